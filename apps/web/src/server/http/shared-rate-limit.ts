// A per-client rate limit counted where the web replicas count together (ReplicaCoordination: in memory
// with one replica, rows in PostgreSQL with several), so N replicas never allow N times the limit: checks,
// saves and preview relays per run, host rebuilds, wrong join codes, failed sign-ins and sign-ups.
import type { ReplicaCoordination } from "../replicas/replica-coordination";
import type { RateVerdict } from "./rate-limiter";

export class SharedRateLimit {
  constructor(
    private readonly replicas: Pick<ReplicaCoordination, "takeRates" | "refundRate">,
    /** The name its events are counted under (one per limit). */
    readonly bucket: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /**
   * Records an event for `key` when allowed; otherwise says how long until one leaves the window. The check
   * and the record are one step on every replica (a lock per key in PostgreSQL), so parallel requests
   * cannot all pass one look at the count.
   */
  async take(key: string): Promise<RateVerdict> {
    const verdict = await this.replicas.takeRates([
      { bucket: this.bucket, key, limit: this.limit, windowMs: this.windowMs },
    ]);
    return verdict.allowed ? { allowed: true } : { allowed: false, retryAfterMs: verdict.retryAfterMs };
  }

  /** Gives back the latest event of `key` (taken up front for an attempt that turned out fine). */
  refund(key: string): Promise<void> {
    return this.replicas.refundRate(this.bucket, key);
  }
}
