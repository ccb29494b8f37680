// What the terminal benchmark needs of a web terminal, whatever its protocol: send keystrokes, watch the
// output as its browser-facing client receives it, and stall like a tab that stopped reading.

/** The shell's prompt at the very end of the output (bash's `root@<host>:<dir># `). */
export const PROMPT_AT_END = /root@[^\r\n]*[#$] $/;
const TAIL_CHARS = 4_096;

export interface TerminalProbe {
  /** One line for the report: what serves the terminal, what it runs, how the bench speaks to it. */
  readonly description: string;
  readonly output: OutputWatcher;
  /** Sends keystrokes as the terminal's own client does. */
  send(text: string): void;
  /** Stops reading and acknowledging output, like a browser tab that stalled. */
  stall(): void;
  /** Reads and acknowledges again. */
  unstall(): void;
  /** Why the server ended the connection, once it has (e.g. a heartbeat timeout); else undefined. */
  endedBecause(): string | undefined;
  close(): Promise<void>;
}

/** Counts the output a client received and keeps its tail, timing when conditions on it first hold. */
export class OutputWatcher {
  #totalBytes = 0;
  #tail = "";
  #lastAt = 0;
  readonly #listeners = new Set<(at: number) => void>();

  /** Called by a probe with each chunk its client received (bytes, or text already decoded). */
  push(chunk: Buffer | string): void {
    const at = performance.now();
    const text = typeof chunk === "string" ? chunk : chunk.toString("latin1");
    this.#totalBytes += typeof chunk === "string" ? Buffer.byteLength(chunk, "utf8") : chunk.length;
    this.#tail = (this.#tail + text).slice(-TAIL_CHARS);
    this.#lastAt = at;
    for (const listener of [...this.#listeners]) listener(at);
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  get tail(): string {
    return this.#tail;
  }

  /** Resolves with the time (performance.now()) of the chunk after which `condition` first held. */
  until(condition: () => boolean, what: string, timeoutMs: number): Promise<number> {
    if (condition()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; tail ${JSON.stringify(this.#tail.slice(-120))}`,
          ),
        );
      }, timeoutMs);
      const check = (at: number) => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(at);
      };
      this.#listeners.add(check);
    });
  }

  /** Resolves once no output has come for `quietMs` (the output has settled). */
  async quiet(quietMs: number, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const idle = performance.now() - this.#lastAt;
      if (idle >= quietMs) return;
      if (performance.now() > deadline) throw new Error(`the output did not settle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, quietMs - idle + 1));
    }
  }

  /** Forgets the tail, so that a condition on it sees only output from now on. */
  forgetTail(): void {
    this.#tail = "";
  }

  promptShown(): boolean {
    return PROMPT_AT_END.test(this.#tail);
  }
}
