// A warm pool on Swarm: environments created ahead (their services running, placed by Swarm) and
// handed out by claim() without any engine call; each claim starts a refill. Like the single-engine pool it
// grows by one per claim up to `maxSize` while learners arrive and shrinks back (pool/pool-demand.ts).
// Pooled environments carry `circus.pool=<key>` so that an operator (or a later adoption) can tell them apart.
import { type Logger, pino } from "pino";
import type { EnvironmentSpecInput } from "../environments/environment";
import { InvalidPoolOptionsError } from "../errors";
import { createPoolDemand } from "../pool/pool-demand";
import { POOL_LABEL } from "../pool/warm-pool-contract";
import type { SwarmBackend } from "./swarm-backend";
import type { SwarmEnvironment } from "./swarm-environment";

export interface SwarmWarmPoolOptions {
  backend: SwarmBackend;
  /** What the pool holds environments of; becomes the `circus.pool` label. */
  key: string;
  /** The spec of every pooled environment (its `ttlSeconds` bounds how long one waits unclaimed). */
  spec: EnvironmentSpecInput;
  /** Running, unclaimed environments to keep ready. */
  size: number;
  /**
   * Most environments kept ready while learners arrive: each claim (a hit or a miss) raises the number kept
   * ready by one for `demandWindowMs`, up to this; back to `size` once claims stop. Default `size`.
   */
  maxSize?: number;
  /** How long a claim counts towards growing the pool. Default 120000 ms (2 minutes). */
  demandWindowMs?: number;
  /** How often ready environments beyond the target are removed and the pool refilled. Default 10000 ms. */
  maintenanceIntervalMs?: number;
  /** Lifetime of a claimed environment, from the claim. Default `spec.ttlSeconds`. */
  ttlSecondsAfterClaim?: number;
  /** How long after a claim the refill starts (the claimant's first terminal goes first). Default 1000 ms. */
  refillDelayMs?: number;
  /** Wait after a failed create before the next one. Default 2000 ms. */
  retryDelayMs?: number;
  /** Default: a silent logger. */
  logger?: Logger;
}

export interface SwarmWarmPool {
  /** A ready environment at once (no engine call; its expiry is pushed back after `refillDelayMs`), or undefined. */
  claim(): SwarmEnvironment | undefined;
  ready(): number;
  /** Environments kept ready now: `size` grown by recent claims, at most `maxSize`. */
  target(): number;
  /** Resolves once `size` environments are ready. */
  whenFull(options?: { signal?: AbortSignal }): Promise<void>;
  /** Stops refilling; `destroyUnclaimed` also destroys the ready ones. */
  dispose(options?: { destroyUnclaimed?: boolean }): Promise<void>;
}

export function createSwarmWarmPool(options: SwarmWarmPoolOptions): SwarmWarmPool {
  const { backend, size } = options;
  const maxSize = options.maxSize ?? size;
  if (!Number.isInteger(size) || size < 0 || !Number.isInteger(maxSize) || maxSize < size) {
    throw new InvalidPoolOptionsError(
      `size ${size} and maxSize ${maxSize}: give whole numbers with maxSize at least size, or leave maxSize out`,
    );
  }
  const demand = createPoolDemand(size, maxSize, options.demandWindowMs);
  const logger = options.logger ?? pino({ level: "silent" });
  const spec = { ...options.spec, labels: { ...options.spec.labels, [POOL_LABEL]: options.key } };
  const ttlAfterClaim = options.ttlSecondsAfterClaim ?? options.spec.ttlSeconds;
  const ready: SwarmEnvironment[] = [];
  const creating = new Set<Promise<void>>();
  const waiters = new Set<() => void>();
  let disposed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const refillTimers = new Set<NodeJS.Timeout>();

  const notify = () => {
    if (ready.length < size) return;
    for (const waiter of waiters) waiter();
  };

  const fill = () => {
    while (!disposed && retryTimer === undefined && ready.length + creating.size < demand.target()) {
      const pending: Promise<void> = backend.create(spec).then(
        async (environment) => {
          // Where each host runs is resolved now, and a first command runs on each (the node's engine
          // connection and the container's exec path warm, a broken host found), so that a claim's first
          // call goes straight to its node.
          await Promise.allSettled(
            environment.hosts.map((host) => environment.commands.run(host, { argv: ["true"], timeoutMs: 10_000 })),
          );
          creating.delete(pending);
          if (disposed) {
            await environment.destroy();
            return;
          }
          ready.push(environment);
          notify();
          fill();
        },
        (error) => {
          creating.delete(pending);
          logger.warn({ pool: options.key, err: error }, "a pooled Swarm environment could not be created");
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            fill();
          }, options.retryDelayMs ?? 2000);
        },
      );
      creating.add(pending);
    }
  };
  fill();

  // Demand went: ready environments beyond the target go, the newest first (claims take the oldest).
  const maintenance = setInterval(() => {
    for (const environment of ready.splice(demand.target()).reverse()) {
      logger.debug({ pool: options.key, environment: environment.id }, "demand fell: removing a warm environment");
      environment.destroy().catch((error: unknown) => {
        logger.warn({ pool: options.key, err: error }, "could not remove a warm environment beyond the demand");
      });
    }
    fill();
  }, options.maintenanceIntervalMs ?? 10_000).unref();

  return {
    claim() {
      demand.record();
      const environment = ready.shift();
      if (!environment) {
        fill();
        return undefined;
      }
      // The refill and the expiry's label update (a service update the node's agent acts on) wait a moment:
      // the claimant's first terminal goes first.
      const delayMs = options.refillDelayMs ?? 1000;
      const timer = setTimeout(() => {
        refillTimers.delete(timer);
        fill();
      }, delayMs);
      refillTimers.add(timer);
      // The claimed environment is the claimant's: its expiry is pushed back even if the pool is disposed meanwhile.
      setTimeout(() => {
        environment.extend(ttlAfterClaim).catch((error) => {
          logger.warn(
            { environment: environment.id, err: error },
            "could not push back a claimed environment's expiry",
          );
        });
      }, delayMs).unref();
      return environment;
    },
    ready: () => ready.length,
    target: () => demand.target(),
    whenFull({ signal } = {}) {
      if (ready.length >= size) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = () => {
          waiters.delete(done);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          waiters.delete(done);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.add(done);
      });
    },
    async dispose({ destroyUnclaimed = false } = {}) {
      disposed = true;
      clearInterval(maintenance);
      clearTimeout(retryTimer);
      for (const timer of refillTimers) clearTimeout(timer);
      await Promise.allSettled([...creating]);
      if (destroyUnclaimed) await Promise.allSettled(ready.splice(0).map((environment) => environment.destroy()));
    },
  };
}
