// A sliding-window rate limiter in memory: at most `limit` events per key within `windowMs`.
// Keys are forgotten once their window is empty, so memory follows the active keys only.

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  readonly #events = new Map<string, number[]>();
  readonly #sweepTimer: NodeJS.Timeout;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.#sweepTimer = setInterval(() => this.sweep(), windowMs);
    this.#sweepTimer.unref();
  }

  /** Records an event for `key` when allowed; otherwise says how long until the oldest one leaves the window. */
  take(key: string): RateVerdict {
    const verdict = this.peek(key);
    if (verdict.allowed) this.#recent(key).push(this.now());
    return verdict;
  }

  /**
   * Gives back the latest event of `key` (one taken up front for an attempt that turned out fine, e.g. a
   * correct password). Taking first and refunding after keeps parallel requests from all passing a peek.
   */
  refund(key: string): void {
    this.#recent(key).pop();
  }

  /** Whether an event for `key` would be allowed now, without recording it. */
  peek(key: string): RateVerdict {
    const recent = this.#recent(key);
    if (recent.length < this.limit) return { allowed: true };
    const oldest = recent[recent.length - this.limit] ?? this.now();
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.windowMs - this.now()) };
  }

  /** Drops keys without events in the window. */
  sweep(): void {
    for (const key of [...this.#events.keys()]) if (this.#recent(key).length === 0) this.#events.delete(key);
  }

  get size(): number {
    return this.#events.size;
  }

  dispose(): void {
    clearInterval(this.#sweepTimer);
    this.#events.clear();
  }

  #recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const events = (this.#events.get(key) ?? []).filter((time) => time > cutoff);
    this.#events.set(key, events);
    return events;
  }
}
