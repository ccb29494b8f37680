// A semaphore for environment creates: at most `limit` run at once. A learner's create (someone waits
// for it) always goes before a background one (a warm-pool refill), and background creates hold at most
// `backgroundLimit` slots, so a pool refilling after a burst never makes a learner's start queue behind it.
// Within a priority the order is FIFO; a waiter leaves the line when its AbortSignal fires.

/** `learner`: someone waits for this create. `background`: ahead-of-time work (warm pools) that can wait. */
export type CreatePriority = "learner" | "background";

interface Waiter {
  priority: CreatePriority;
  grant: () => void;
}

export class CreateSlots {
  private running = 0;
  private runningBackground = 0;
  private readonly waiting: Waiter[] = [];
  private readonly backgroundLimit: number;

  /** `backgroundLimit` defaults to half the slots (at least 1): the other half stays free for learners. */
  constructor(
    private readonly limit: number,
    backgroundLimit?: number,
  ) {
    this.backgroundLimit = Math.max(1, Math.min(limit, backgroundLimit ?? Math.floor(limit / 2)));
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal, priority: CreatePriority = "learner"): Promise<() => void> {
    signal?.throwIfAborted();
    // A learner passes background creates held back by their limit; nobody passes a waiter of its own priority.
    const ahead = this.waiting.some((waiter) => priority === "background" || waiter.priority === "learner");
    if (!ahead && this.mayRun(priority)) return Promise.resolve(this.take(priority));
    return new Promise((resolve, reject) => {
      const entry: Waiter = {
        priority,
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.take(priority));
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
        // A learner that left may have been what held a background create back.
        this.grantWaiting();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Creates running now (of them in the background) and creates waiting for a slot. */
  get load(): { running: number; background: number; waiting: number } {
    return { running: this.running, background: this.runningBackground, waiting: this.waiting.length };
  }

  private mayRun(priority: CreatePriority): boolean {
    if (this.running >= this.limit) return false;
    return priority === "learner" || this.runningBackground < this.backgroundLimit;
  }

  private take(priority: CreatePriority): () => void {
    this.running += 1;
    if (priority === "background") this.runningBackground += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      if (priority === "background") this.runningBackground -= 1;
      this.grantWaiting();
    };
  }

  /** Grants free slots: learners first (FIFO), then background creates while none of a learner waits. */
  private grantWaiting(): void {
    while (this.running < this.limit) {
      const learner = this.waiting.findIndex((waiter) => waiter.priority === "learner");
      const next =
        learner >= 0
          ? learner
          : this.runningBackground < this.backgroundLimit
            ? this.waiting.findIndex((waiter) => waiter.priority === "background")
            : -1;
      if (next < 0) return;
      const [waiter] = this.waiting.splice(next, 1);
      waiter!.grant();
    }
  }
}
