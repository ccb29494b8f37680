// How many environments a warm pool keeps ready: its `size`, grown by one per claim within the demand
// window up to `maxSize`, so a burst of arrivals finds the pool grown; it shrinks back once claims stop.
// Shared by the single-engine pool (warm-pool.ts) and the Swarm pool (swarm/swarm-warm-pool.ts).

/** How long a claim counts as demand the pool grows for (see WarmPoolOptions.maxSize). */
export const DEMAND_WINDOW_MS = 120_000;

export interface PoolDemand {
  /** Counts a claim (a hit or a miss) as demand. */
  record(): void;
  /** Environments to keep ready now: `size` plus the claims within the window, at most `maxSize`. */
  target(): number;
}

export function createPoolDemand(size: number, maxSize: number, demandWindowMs = DEMAND_WINDOW_MS): PoolDemand {
  /** When the latest claims came, oldest first; at most maxSize - size are kept. */
  const claims: number[] = [];
  return {
    record() {
      if (maxSize <= size) return;
      claims.push(Date.now());
      if (claims.length > maxSize - size) claims.shift();
    },
    target() {
      const since = Date.now() - demandWindowMs;
      while (claims.length > 0 && claims[0]! < since) claims.shift();
      return size + claims.length;
    },
  };
}
