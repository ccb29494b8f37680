// Lab starts running in the background after POST /api/runs answered 202: each can be aborted
// (stop during start, shutdown), and shutdown waits for all of them to settle.

export class BackgroundLaunches {
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  /** Runs `task` for `key` (a run id); its promise never rejects (the task reports its own failures). */
  start(key: string, task: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController();
    const done = task(controller.signal)
      .catch(() => undefined)
      .finally(() => {
        if (this.#running.get(key)?.controller === controller) this.#running.delete(key);
      });
    this.#running.set(key, { controller, done });
  }

  /** Aborts the task of `key` and waits until it settled; a no-op when none runs. */
  async abort(key: string): Promise<void> {
    const running = this.#running.get(key);
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  /** Waits until the task of `key` settled or `withinMs` passed; true when it settled (or none runs). */
  async settled(key: string, withinMs: number): Promise<boolean> {
    const running = this.#running.get(key);
    if (!running) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    try {
      return await Promise.race([running.done.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  has(key: string): boolean {
    return this.#running.has(key);
  }

  /** Aborts every task and waits for them. */
  async dispose(): Promise<void> {
    const all = [...this.#running.values()];
    for (const { controller } of all) controller.abort();
    await Promise.all(all.map(({ done }) => done));
  }
}
