// Collects the recording chunks of all terminals for a short window and stores them with one insert:
// with hundreds of terminals each flushing every 2 s, one query per chunk was most of the database's
// work. Recording is never on the keystroke path, so the window only delays storage.
import type { AppendRecordingChunkInput, Database } from "@circus/db";

/** How long chunks wait for company before they are written. */
const WINDOW_MS = 250;
/** Most chunks per insert (a batch's rows and bytes stay small). */
const MAX_BATCH = 200;

interface Pending {
  chunk: AppendRecordingChunkInput;
  settle(error?: unknown): void;
}

export class ChunkBatcher {
  readonly #db: Pick<Database, "appendRecordingChunks">;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Pick<Database, "appendRecordingChunks">) {
    this.#db = db;
  }

  /** Resolves once the chunk is stored (rejects with the insert's error, for every chunk of its batch). */
  append(chunk: AppendRecordingChunkInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ chunk, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.#pending.length >= MAX_BATCH) this.#write();
      else this.#timer ??= setTimeout(() => this.#write(), WINDOW_MS);
    });
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0, MAX_BATCH);
    if (this.#pending.length > 0) this.#timer = setTimeout(() => this.#write(), 0);
    if (batch.length === 0) return;
    this.#db.appendRecordingChunks(batch.map((entry) => entry.chunk)).then(
      () => {
        for (const entry of batch) entry.settle();
      },
      (error: unknown) => {
        for (const entry of batch) entry.settle(error ?? new Error("the recording chunks were not stored"));
      },
    );
  }
}
