// The recordings of the runs' terminals: one TerminalRecording per opened shell, its batches stored in
// the database under the run's cap, markers (step changes, checks) added to every live recording of a
// run, and the reaper that deletes recordings past their retention.
import type { Database, Recording } from "@circus/db";
import { type RecordingSink, type TerminalRecorder, TerminalRecording } from "@circus/sandbox";
import type { Logger } from "../../logger";

export interface RunRecordingsOptions {
  db: Pick<
    Database,
    "createRecording" | "appendRecordingChunk" | "finishRecording" | "runRecordingBytes" | "deleteExpiredRecordings"
  >;
  /** Compressed bytes kept per run; 0 turns recording off. */
  maxBytesPerRun: number;
  retentionDays: number;
  logger: Logger;
  /** How often live recordings flush. Default 10 s (TerminalRecording's). */
  flushIntervalMs?: number;
}

export interface StartRecordingRequest {
  runId: string;
  terminalId: string;
  cols: number;
  rows: number;
  title: string;
  /** The first marker (e.g. the step the learner is on when the terminal opens). */
  marker?: string;
}

const DAY_MS = 86_400_000;

export class RunRecordings {
  readonly #options: RunRecordingsOptions;
  readonly #live = new Map<string, Set<TerminalRecording>>();
  /** Compressed bytes stored per run with a live recording, loaded once from the database. */
  readonly #used = new Map<string, Promise<{ bytes: number }>>();

  constructor(options: RunRecordingsOptions) {
    this.#options = options;
  }

  /** A recorder for a shell about to open, or undefined when recording is off. */
  start(request: StartRecordingRequest): TerminalRecorder | undefined {
    const { db, maxBytesPerRun, retentionDays, logger } = this.#options;
    if (maxBytesPerRun === 0) return undefined;
    const log = logger.child({ run: request.runId, terminal: request.terminalId });
    const row: Promise<Recording> = db.createRecording({
      runId: request.runId,
      terminalId: request.terminalId,
      cols: request.cols,
      rows: request.rows,
      expiresAt: new Date(Date.now() + retentionDays * DAY_MS),
    });
    row.catch((error: unknown) => log.warn({ err: error }, "could not create a terminal recording"));
    const used = this.#usedBytes(request.runId);
    const live = this.#liveOf(request.runId);
    const sink: RecordingSink = {
      write: async (batch) => {
        const [{ id }, total] = await Promise.all([row, used]);
        if (total.bytes + batch.gzip.byteLength > maxBytesPerRun) return "stop";
        total.bytes += batch.gzip.byteLength;
        await db.appendRecordingChunk({
          recordingId: id,
          seq: batch.seq,
          data: batch.gzip,
          castBytes: batch.castBytes,
        });
        return "continue";
      },
      close: async ({ truncated }) => {
        live.delete(recording);
        if (live.size === 0 && this.#live.get(request.runId) === live) {
          this.#live.delete(request.runId);
          this.#used.delete(request.runId);
        }
        const { id } = await row;
        await db.finishRecording(id, { truncated });
        if (truncated) log.info({ maxBytesPerRun }, "a terminal recording reached the run's cap");
      },
    };
    const recording = new TerminalRecording({
      cols: request.cols,
      rows: request.rows,
      title: request.title,
      sink,
      logger: log,
      ...(this.#options.flushIntervalMs ? { flushIntervalMs: this.#options.flushIntervalMs } : {}),
    });
    if (request.marker) recording.marker(request.marker);
    live.add(recording);
    return recording;
  }

  /** Adds a marker (a chapter players can jump to) to every live recording of the run. */
  mark(runId: string, label: string): void {
    for (const recording of this.#live.get(runId) ?? []) recording.marker(label);
  }

  /** Flushes and closes the run's live recordings (its terminals ended); resolves once they are stored. */
  async closeRun(runId: string): Promise<void> {
    await Promise.all([...(this.#live.get(runId) ?? [])].map((recording) => recording.close()));
  }

  /** Deletes recordings past their retention; returns how many. */
  async reap(now: Date = new Date()): Promise<number> {
    const count = await this.#options.db.deleteExpiredRecordings(now);
    if (count > 0) this.#options.logger.info({ count }, "reaped expired terminal recordings");
    return count;
  }

  /** Runs `reap` every `intervalMs` until the returned function is called. */
  startReaper(intervalMs: number): () => void {
    const timer = setInterval(() => {
      this.reap().catch((error: unknown) => this.#options.logger.warn({ err: error }, "recording reaper failed"));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Closes every live recording (server shutdown). */
  async dispose(): Promise<void> {
    await Promise.all([...this.#live.keys()].map((runId) => this.closeRun(runId)));
  }

  #liveOf(runId: string): Set<TerminalRecording> {
    let live = this.#live.get(runId);
    if (!live) {
      live = new Set();
      this.#live.set(runId, live);
    }
    return live;
  }

  #usedBytes(runId: string): Promise<{ bytes: number }> {
    let used = this.#used.get(runId);
    if (!used) {
      used = this.#options.db.runRecordingBytes(runId).then((bytes) => ({ bytes }));
      used.catch(() => this.#used.delete(runId));
      this.#used.set(runId, used);
    }
    return used;
  }
}
