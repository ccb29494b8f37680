// Who watches runs: every write of a run's record (`updateRun`: stage, ready, failed, stopped, expired,
// step moves) is published here, and the player's run streams (run-stream.ts) listen, so the browser is
// pushed the change instead of polling. One stream per learner and run: a newer one (a reload, another
// tab) replaces the older. In memory and per process; a change written on another replica arrives as a
// `run-changed` replica message (start-server-context.ts).
import type { Run } from "@circus/db";
import type { Logger } from "../../logger";

export type RunChangeListener = (run: Run) => void;

/** What the registry needs of an open stream. */
export interface WatchingStream {
  /** Ends the stream; `replaced` says a newer stream of the same learner and run took over. */
  close(why: "replaced" | "shutdown"): void;
}

export class RunEvents {
  readonly #listeners = new Map<string, Set<RunChangeListener>>();
  readonly #streams = new Map<string, WatchingStream>();

  constructor(private readonly logger: Logger) {}

  /** Listens to the changes of one run; returns the dispose function. */
  subscribe(runId: string, listener: RunChangeListener): () => void {
    let listeners = this.#listeners.get(runId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(runId, listeners);
    }
    listeners.add(listener);
    const own = listeners;
    return () => {
      own.delete(listener);
      if (own.size === 0 && this.#listeners.get(runId) === own) this.#listeners.delete(runId);
    };
  }

  /** Whether a stream of this process listens to the run (a change written on another replica is read for it). */
  isWatched(runId: string): boolean {
    return this.#listeners.has(runId);
  }

  /** Called with the record as written; a listener that throws is logged, never the writer's problem. */
  publish(run: Run): void {
    for (const listener of [...(this.#listeners.get(run.id) ?? [])]) {
      try {
        listener(run);
      } catch (error) {
        this.logger.warn({ err: error, run: run.id }, "a run change listener failed");
      }
    }
  }

  /**
   * Registers the stream of `learnerId` on `runId`, closing the one it replaces. Returns the function that
   * unregisters it (a no-op once a newer stream took its place).
   */
  claimStream(learnerId: string, runId: string, stream: WatchingStream): () => void {
    const key = `${learnerId}\u0000${runId}`;
    const previous = this.#streams.get(key);
    this.#streams.set(key, stream);
    previous?.close("replaced");
    return () => {
      if (this.#streams.get(key) === stream) this.#streams.delete(key);
    };
  }

  /** Open run streams, and runs with listeners (tests). */
  get counts(): { streams: number; watchedRuns: number } {
    return { streams: this.#streams.size, watchedRuns: this.#listeners.size };
  }

  /** Closes every stream (shutdown). */
  dispose(): void {
    for (const stream of [...this.#streams.values()]) stream.close("shutdown");
    this.#streams.clear();
  }
}
