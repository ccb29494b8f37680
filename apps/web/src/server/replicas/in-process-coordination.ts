// ReplicaCoordination for a single replica (SQLite deployments): queues, limiters and sets in memory.
import { RateLimiter } from "../http/rate-limiter";
import { SpentTickets } from "../workshops/observer-ticket";
import { KeyedQueue } from "./keyed-queue";
import type { RateCheck, ReplicaCoordination } from "./replica-coordination";

export function inProcessCoordination(): ReplicaCoordination {
  const queue = new KeyedQueue();
  const limiters = new Map<string, RateLimiter>();
  const tickets = new SpentTickets();
  const stops: (() => Promise<void>)[] = [];
  const slots = new Map<string, number>();
  const limiterOf = (check: RateCheck) => {
    let limiter = limiters.get(check.bucket);
    if (!limiter) {
      limiter = new RateLimiter(check.limit, check.windowMs);
      limiters.set(check.bucket, limiter);
    }
    return limiter;
  };
  return {
    kind: "in-process",
    serialize: (key, task) => queue.run(key, task),
    async takeRates(checks) {
      const verdicts = checks.map((check) => limiterOf(check).peek(check.key));
      let refused: number | undefined;
      let retryAfterMs = 0;
      verdicts.forEach((verdict, index) => {
        if (!verdict.allowed && verdict.retryAfterMs > retryAfterMs) {
          retryAfterMs = verdict.retryAfterMs;
          refused = index;
        }
      });
      if (refused !== undefined) return { allowed: false, retryAfterMs, refused };
      for (const check of checks) limiterOf(check).take(check.key);
      return { allowed: true };
    },
    async refundRate(bucket, key) {
      limiters.get(bucket)?.refund(key);
    },
    async takeSocketSlot(kind, max) {
      const held = slots.get(kind) ?? 0;
      if (held >= max) return undefined;
      slots.set(kind, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        slots.set(kind, (slots.get(kind) ?? 1) - 1);
      };
    },
    spendTicket: async (nonce, expiresAt) => tickets.spend(nonce, expiresAt),
    leases: undefined,
    broadcast: () => undefined,
    onMessage: () => () => undefined,
    async own(_key, start) {
      stops.push(await start());
    },
    async dispose() {
      for (const limiter of limiters.values()) limiter.dispose();
      await Promise.allSettled(stops.map((stop) => stop()));
    },
  };
}
