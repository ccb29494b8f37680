// The warm pool: keeps `size` started, unclaimed environments of one key (a scenario or an image set)
// so that a learner's claim is an in-memory hand-over; it refills in the background through the runtime.
import { type Logger, pino } from "pino";
import { z } from "zod";
import { type Environment, type EnvironmentSpecInput, parseEnvironmentSpec } from "../environments/environment";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { InvalidPoolOptionsError } from "../errors";
import { createPoolDemand, DEMAND_WINDOW_MS, type PoolDemand } from "./pool-demand";
import { type RetryBackoffOptions, retryDelayMs } from "./retry-backoff";
import {
  type AdoptOutcome,
  POOL_LABEL,
  type WarmPool,
  type WarmPoolOptions,
  type WarmPoolStats,
} from "./warm-pool-contract";

const poolSettingsSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,62}$/, "a key of letters, digits and ._-:@ (at most 63)"),
  size: z.number().int().min(0).max(100),
  maxSize: z.number().int().min(0).max(100).optional(),
  demandWindowMs: z.number().int().positive().max(3_600_000).optional(),
  ttlSecondsAfterClaim: z.number().int().positive().optional(),
  maintenanceIntervalMs: z.number().int().positive().optional(),
  refillDelayMs: z.number().int().min(0).optional(),
});

export function createWarmPool(options: WarmPoolOptions): WarmPool {
  const settings = poolSettingsSchema.safeParse(options);
  if (!settings.success) throw new InvalidPoolOptionsError(z.prettifyError(settings.error));
  if (settings.data.maxSize !== undefined && settings.data.maxSize < settings.data.size) {
    throw new InvalidPoolOptionsError(
      `maxSize ${settings.data.maxSize} is below size ${settings.data.size}: give a maxSize of at least the size, or leave it out`,
    );
  }
  const spec = parseEnvironmentSpec(options.spec);
  const poolSpec: EnvironmentSpecInput = {
    ...options.spec,
    labels: { ...spec.labels, [POOL_LABEL]: settings.data.key },
  };
  return new EngineWarmPool({
    runtime: options.runtime,
    key: settings.data.key,
    size: settings.data.size,
    maxSize: settings.data.maxSize ?? settings.data.size,
    demandWindowMs: settings.data.demandWindowMs ?? DEMAND_WINDOW_MS,
    spec: poolSpec,
    ttlSecondsAfterClaim: settings.data.ttlSecondsAfterClaim ?? spec.ttlSeconds,
    maintenanceIntervalMs:
      settings.data.maintenanceIntervalMs ?? Math.max(1000, Math.min(10_000, (spec.idleTimeoutSeconds * 1000) / 3)),
    refillDelayMs: settings.data.refillDelayMs ?? 1000,
    retry: options.retry ?? {},
    primeTerminals: options.primeTerminals ?? [],
    logger: (options.logger ?? pino({ level: "silent" })).child({ pool: settings.data.key }),
  });
}

interface PoolSettings {
  runtime: SandboxRuntime;
  key: string;
  size: number;
  maxSize: number;
  demandWindowMs: number;
  spec: EnvironmentSpecInput;
  ttlSecondsAfterClaim: number;
  maintenanceIntervalMs: number;
  refillDelayMs: number;
  retry: RetryBackoffOptions;
  primeTerminals: NonNullable<WarmPoolOptions["primeTerminals"]>;
  logger: Logger;
}

class EngineWarmPool implements WarmPool {
  readonly key: string;
  readonly #settings: PoolSettings;
  readonly #runtime: SandboxRuntime;
  readonly #logger: Logger;
  /** Ready environment ids, oldest first (claims take the oldest). */
  readonly #ready = new Set<string>();
  readonly #claimed = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #waiters = new Set<{ resolve: () => void; reject: (reason: unknown) => void }>();
  readonly #maintenanceTimer: NodeJS.Timeout;
  #refillTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Creates not yet settled (#inFlight also holds their follow-up work, which dispose waits for). */
  #creating = 0;
  /** Claims (hits and misses) within the demand window: what the pool grows for. */
  readonly #demand: PoolDemand;
  #consecutiveFailures = 0;
  #lastError: string | undefined;
  #disposed = false;

  constructor(settings: PoolSettings) {
    this.#settings = settings;
    this.key = settings.key;
    this.#runtime = settings.runtime;
    this.#logger = settings.logger;
    this.#demand = createPoolDemand(settings.size, settings.maxSize, settings.demandWindowMs);
    this.#maintenanceTimer = setInterval(() => this.#maintain(), settings.maintenanceIntervalMs).unref();
    this.#scheduleRefill();
  }

  claim(owner: string): Environment | undefined {
    if (this.#disposed) return undefined;
    this.#demand.record();
    for (const id of this.#ready) {
      this.#ready.delete(id);
      const environment = this.#runtime.get(id);
      if (!environment || !this.#hostsRunning(environment)) {
        this.#discard(id, environment ? "a host stopped" : "it no longer exists");
        continue;
      }
      const now = Date.now();
      const untilExpiry = (now + this.#settings.ttlSecondsAfterClaim * 1000 - environment.expiresAt.getTime()) / 1000;
      const claimed = this.#runtime.extend(id, untilExpiry);
      this.#runtime.touch(id);
      this.#claimed.add(id);
      this.#logger.info({ environment: id, owner }, "claimed a warm environment");
      this.#scheduleRefill(this.#settings.refillDelayMs);
      return { ...claimed, lastActivityAt: new Date(now), owner };
    }
    this.#logger.info({ owner }, "no warm environment ready");
    this.#scheduleRefill();
    return undefined;
  }

  ready(): number {
    return this.#ready.size;
  }

  stats(): WarmPoolStats {
    this.#pruneClaimed();
    return {
      key: this.key,
      size: this.#settings.size,
      target: this.#target(),
      ready: this.#ready.size,
      creating: this.#creating,
      claimed: this.#claimed.size,
      consecutiveFailures: this.#consecutiveFailures,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  whenFull(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    if (this.#disposed) return Promise.reject(new Error(`the warm pool ${this.key} is disposed`));
    if (this.#ready.size >= this.#settings.size) return Promise.resolve();
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (reason: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  async adopt(options: { isClaimed: (environmentId: string) => boolean }): Promise<AdoptOutcome> {
    const outcome: AdoptOutcome = { adopted: [], claimed: [], destroyed: [] };
    if (this.#disposed) return outcome;
    const candidates = this.#runtime
      .list()
      .filter((environment) => environment.spec.labels?.[POOL_LABEL] === this.key)
      .filter((environment) => !this.#ready.has(environment.id) && !this.#claimed.has(environment.id))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const surplus: string[] = [];
    for (const environment of candidates) {
      if (options.isClaimed(environment.id)) {
        this.#claimed.add(environment.id);
        outcome.claimed.push(environment.id);
      } else if (this.#ready.size < this.#settings.size && this.#hostsRunning(environment)) {
        void this.#primeTerminals(environment.id).catch(() => undefined);
        this.#ready.add(environment.id);
        this.#runtime.touch(environment.id);
        outcome.adopted.push(environment.id);
      } else {
        surplus.push(environment.id);
      }
    }
    this.#logger.info({ ...outcome, surplus: surplus.length }, "adopted warm environments");
    this.#notifyWaiters();
    await Promise.all(surplus.map((id) => this.#destroy(id, "surplus after adoption")));
    outcome.destroyed.push(...surplus);
    return outcome;
  }

  async dispose(options: { destroyUnclaimed?: boolean } = {}): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#maintenanceTimer);
    clearTimeout(this.#refillTimer);
    clearTimeout(this.#retryTimer);
    this.#abort.abort(new Error(`the warm pool ${this.key} was disposed`));
    for (const waiter of this.#waiters) waiter.reject(new Error(`the warm pool ${this.key} was disposed`));
    this.#waiters.clear();
    // A create that finished despite the abort lands in #ready (see #createOne), so wait before destroying.
    await Promise.allSettled([...this.#inFlight]);
    if (options.destroyUnclaimed) {
      const ids = [...this.#ready];
      this.#ready.clear();
      await Promise.all(ids.map((id) => this.#destroy(id, "pool disposed")));
    }
    this.#logger.info({ destroyUnclaimed: options.destroyUnclaimed ?? false }, "warm pool disposed");
  }

  #scheduleRefill(delayMs = 0): void {
    if (this.#disposed || this.#refillTimer) return;
    this.#refillTimer = setTimeout(() => {
      this.#refillTimer = undefined;
      this.#refill();
    }, delayMs);
  }

  #refill(): void {
    if (this.#disposed || this.#retryTimer) return;
    const missing = this.#target() - this.#ready.size - this.#creating;
    for (let index = 0; index < missing; index += 1) {
      const creating: Promise<void> = this.#createOne().finally(() => {
        this.#inFlight.delete(creating);
      });
      this.#inFlight.add(creating);
    }
  }

  async #createOne(): Promise<void> {
    let environment: Environment;
    this.#creating += 1;
    try {
      // Nobody waits for a pool's create: it yields to learners' creates (and holds at most half the slots).
      environment = await this.#runtime.create(this.#settings.spec, {
        signal: this.#abort.signal,
        priority: "background",
      });
    } catch (error) {
      this.#creating -= 1;
      if (this.#disposed) return;
      this.#consecutiveFailures += 1;
      this.#lastError = error instanceof Error ? error.message : String(error);
      const delayMs = retryDelayMs(this.#consecutiveFailures, this.#settings.retry);
      this.#logger.error(
        { err: error, consecutiveFailures: this.#consecutiveFailures, retryInMs: delayMs },
        "the warm pool could not create an environment; retrying later",
      );
      if (!this.#retryTimer) {
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#refill();
        }, delayMs).unref();
      }
      return;
    }
    this.#consecutiveFailures = 0;
    this.#lastError = undefined;
    if (!this.#disposed && this.#ready.size >= this.#target()) {
      this.#creating -= 1;
      await this.#destroy(environment.id, "the pool is already full");
      return;
    }
    await this.#primeTerminals(environment.id);
    this.#creating -= 1;
    if (!this.#runtime.get(environment.id)) return;
    this.#ready.add(environment.id);
    this.#logger.debug({ environment: environment.id, ready: this.#ready.size }, "warm environment ready");
    this.#notifyWaiters();
  }

  /** How many to keep ready now (pool-demand.ts): a burst of arrivals grows the pool, refilled in the background. */
  #target(): number {
    return this.#demand.target();
  }

  /** Opens the configured shells ahead (each bounded by its deadline); a shell that fails is only logged. */
  async #primeTerminals(id: string): Promise<void> {
    if (this.#settings.primeTerminals.length === 0) return;
    const outcomes = await Promise.allSettled(
      this.#settings.primeTerminals.map(async ({ host, ...options }) =>
        this.#runtime.environment(id).terminals.prime(host, options),
      ),
    );
    const failed = outcomes.filter((outcome) => outcome.status === "rejected" || !outcome.value).length;
    if (failed > 0)
      this.#logger.warn({ environment: id, failed }, "could not prime every terminal of a warm environment");
  }

  /** Drops environments that vanished or died, keeps the others from idling out, then refills. */
  #maintain(): void {
    for (const id of [...this.#ready]) {
      const environment = this.#runtime.get(id);
      if (!environment || !this.#hostsRunning(environment)) {
        this.#ready.delete(id);
        this.#discard(id, environment ? "a host stopped" : "it no longer exists");
      } else {
        this.#runtime.touch(id);
      }
    }
    // Demand went: environments beyond the target go, the newest first (claims take the oldest).
    const surplus = [...this.#ready].slice(this.#target());
    for (const id of surplus.reverse()) {
      this.#ready.delete(id);
      void this.#destroy(id, "demand fell");
    }
    this.#pruneClaimed();
    this.#refill();
  }

  #pruneClaimed(): void {
    for (const id of this.#claimed) if (!this.#runtime.get(id)) this.#claimed.delete(id);
  }

  #hostsRunning(environment: Environment): boolean {
    try {
      for (const host of environment.hosts) this.#runtime.containerOf(environment.id, host.name);
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets a ready environment that cannot be handed out and removes what is left of it, in the background. */
  #discard(id: string, reason: string): void {
    this.#logger.warn({ environment: id, reason }, "dropping a warm environment");
    void this.#destroy(id, reason);
    this.#scheduleRefill();
  }

  async #destroy(id: string, reason: string): Promise<void> {
    try {
      await this.#runtime.destroy(id);
      this.#logger.debug({ environment: id, reason }, "destroyed a warm environment");
    } catch (error) {
      this.#logger.error({ environment: id, err: error, reason }, "could not destroy a warm environment");
    }
  }

  #notifyWaiters(): void {
    if (this.#ready.size < this.#settings.size) return;
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
  }
}
