// What a warm pool is to its callers: its options, its stats and the WarmPool interface that
// createWarmPool (warm-pool.ts) implements.
import type { Logger } from "pino";
import type { Environment, EnvironmentSpecInput } from "../environments/environment";
import type { PrimeTerminalOptions } from "../environments/environment-handle";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import type { RetryBackoffOptions } from "./retry-backoff";

/** The label that marks an environment as made by the warm pool of this key. */
export const POOL_LABEL = "circus.pool";

export interface WarmPoolOptions {
  runtime: SandboxRuntime;
  /** What the pool holds environments of (a scenario id, an image set); becomes the `circus.pool` label. */
  key: string;
  /** The spec of every pooled environment (its `ttlSeconds` bounds how long one may wait unclaimed). */
  spec: EnvironmentSpecInput;
  /** Started, unclaimed environments to keep ready. 0 keeps none (claims then always miss). */
  size: number;
  /**
   * Most environments kept ready while learners arrive: each claim (a hit or a miss) raises the number kept
   * ready by one for `demandWindowMs`, up to this, so a burst of arrivals finds the pool grown; it shrinks back
   * to `size` once claims stop. Refills run at background priority (learners' creates go first). Default `size`.
   */
  maxSize?: number;
  /** How long a claim counts towards growing the pool. Default 120000 ms (2 minutes). */
  demandWindowMs?: number;
  /** The lifetime of a claimed environment, counted from the claim. Default `spec.ttlSeconds`. */
  ttlSecondsAfterClaim?: number;
  /** How often unclaimed environments are checked and kept from idling out. Default min(10 s, idle timeout / 3). */
  maintenanceIntervalMs?: number;
  /**
   * How long after a claim the refill starts. A create loads the engine for ~200 ms and slows the
   * exec of the claimant's first terminal, which usually follows the claim at once. Default 1000 ms.
   */
  refillDelayMs?: number;
  /** Waits between failed creates. Default 1 s doubling to 60 s. */
  retry?: RetryBackoffOptions;
  /**
   * Shells to open in each environment before it counts as ready (see `EnvironmentHandle.terminals.prime`):
   * a claim then hands over a live shell, and the claimant's first terminal on that host replays its prompt.
   * Default none.
   */
  primeTerminals?: (PrimeTerminalOptions & { host: string })[];
  /** Default: a silent logger. */
  logger?: Logger;
}

export interface WarmPoolStats {
  key: string;
  size: number;
  /** Environments the pool keeps ready now: `size` grown by recent claims, at most `maxSize`. */
  target: number;
  /** Started, unclaimed environments a claim can take now. */
  ready: number;
  /** Creates in flight (waiting in the runtime's queue or running). */
  creating: number;
  /** Environments claimed from this pool that still exist. */
  claimed: number;
  /** Failed creates since the last success (the pool backs off while it is above 0). */
  consecutiveFailures: number;
  lastError?: string;
}

export interface AdoptOutcome {
  /** Unclaimed pool environments added back as ready. */
  adopted: string[];
  /** Pool environments the caller reports as claimed: counted as claimed, never handed out again. */
  claimed: string[];
  /** Unclaimed ones beyond `size`, destroyed. */
  destroyed: string[];
}

export interface WarmPool {
  readonly key: string;
  /**
   * Hands a ready environment to `owner` at once (no engine call): its expiry becomes now +
   * ttlSecondsAfterClaim and its idle clock starts now. Undefined when none is ready; never waits.
   */
  claim(owner: string): Environment | undefined;
  /** Ready (started, unclaimed) environments now. */
  ready(): number;
  stats(): WarmPoolStats;
  /** Resolves once `size` environments are ready; rejects on abort or when the pool is disposed. */
  whenFull(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * After a restart (once the runtime has reconciled), takes back this key's pool environments from
   * `runtime.list()`. Labels cannot say whether one was claimed, so the caller's session store decides.
   */
  adopt(options: { isClaimed: (environmentId: string) => boolean }): Promise<AdoptOutcome>;
  /** Stops refilling and cancels creates; `destroyUnclaimed` also destroys ready ones (else the next process adopts them). */
  dispose(options?: { destroyUnclaimed?: boolean }): Promise<void>;
}
