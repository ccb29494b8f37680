// Keystrokes into a terminal's input FIFO at no more than a set rate. `script` reads its input as fast as it
// comes and keeps in its own memory what the PTY does not take yet (a shell that does not read its input), so
// on terminal pipes the sandbox would never push back on a flood the way the engine does. Paced, a flood waits
// in this stream's buffer, which the web layer watches (`pendingInputBytes`) to stop reading the learner's
// socket: the flood stays with the client, and what reaches the sandbox is bounded by the rate and by the
// sandbox's own memory limit. A burst covers any paste a person makes.
import { Writable } from "node:stream";

export interface InputPace {
  /** Sustained bytes per second. */
  bytesPerSecond: number;
  /** Bytes that may go at once after a quiet spell. */
  burstBytes: number;
}

/** 1 MiB/s after a 1 MiB burst: a person's typing and pastes never wait, a flood does. */
export const DEFAULT_INPUT_PACE: InputPace = { bytesPerSecond: 1024 * 1024, burstBytes: 1024 * 1024 };

export class PacedInput extends Writable {
  readonly #target: Writable;
  readonly #pace: InputPace;
  #tokens: number;
  #refilledAt = Date.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(target: Writable, pace: InputPace = DEFAULT_INPUT_PACE) {
    super({ highWaterMark: 64 * 1024 });
    this.#target = target;
    this.#pace = pace;
    this.#tokens = pace.burstBytes;
    target.on("error", (error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const send = () => {
      this.#timer = undefined;
      if (this.#target.write(chunk)) callback();
      else this.#target.once("drain", () => callback());
    };
    const waitMs = this.#take(chunk.length);
    if (waitMs <= 0) send();
    else this.#timer = setTimeout(send, waitMs);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#target.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#target.destroy();
    callback(error);
  }

  /** Takes `bytes` from the bucket (it may go negative: a chunk is never split); how long to wait first. */
  #take(bytes: number): number {
    const now = Date.now();
    this.#tokens = Math.min(
      this.#pace.burstBytes,
      this.#tokens + ((now - this.#refilledAt) / 1000) * this.#pace.bytesPerSecond,
    );
    this.#refilledAt = now;
    this.#tokens -= bytes;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#pace.bytesPerSecond) * 1000;
  }
}
