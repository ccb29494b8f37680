// Reserved capacity: from `startsAt - reserveMinutes` until the end, a warm pool per workshop (of its first
// scenario) holds environments for the learners who have not started yet, so that a room joining in the
// same minute gets prompts at once. The scheduler also ends workshops whose time is up.
import type { Workshop } from "@circus/db";
import { environmentSpecFor } from "@circus/lab";
import { createWarmPool, type WarmPool } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { capacityUsage, environmentsThatFit, footprintOf } from "../runs/capacity";
import { primedTerminalsOf } from "../terminals/primed-terminal";
import { endWorkshopNow } from "./end-workshop";
import type { ReserveStats } from "./workshop-event-bus";
import { reserveFrom, WORKSHOP_LABEL } from "./workshop-phase";

/** A pool refills a claimed slot only after this; the scheduler shrinks it first when a learner started. */
const REFILL_DELAY_MS = 5_000;
/** A warm pool holds at most this many environments (the sandbox's limit). */
const MAX_POOL_SIZE = 100;

interface ReservedPool {
  pool: WarmPool;
  size: number;
  scenarioId: string;
  /** Environments handed out by this workshop's pools (kept across resizes). */
  claimed: Set<string>;
}

export class ReservationScheduler {
  readonly #pools = new Map<string, ReservedPool>();
  #context: ServerContext | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(private readonly intervalMs: number) {}

  /** Starts ticking (the first tick runs at once). */
  start(context: ServerContext): void {
    this.#context = context;
    this.#timer = setInterval(() => void this.reconcile(), this.intervalMs);
    this.#timer.unref();
    void this.reconcile();
  }

  /**
   * One pass over the open workshops: end those past their end, size the pools of those in their
   * reservation window. Passes never overlap; the promise settles when this one is done.
   */
  reconcile(): Promise<void> {
    const context = this.#context;
    if (!context || this.#disposed) return this.#running;
    this.#running = this.#running.then(() =>
      this.#pass(context).catch((error: unknown) =>
        context.logger.warn({ err: error, module: "workshops" }, "the workshop scheduler pass failed"),
      ),
    );
    return this.#running;
  }

  /** The reservations held now: each pool keeps `unclaimed` environments of its scenario for its workshop. */
  reserved(): { workshopId: string; scenarioId: string; unclaimed: number }[] {
    return [...this.#pools].map(([workshopId, pool]) => ({
      workshopId,
      scenarioId: pool.scenarioId,
      unclaimed: pool.size,
    }));
  }

  /** A pool to start a participant's run from: claims are remembered. Undefined outside the window. */
  poolFor(workshopId: string, scenarioId: string): WarmPool | undefined {
    const reserved = this.#pools.get(workshopId);
    if (!reserved || reserved.scenarioId !== scenarioId) return undefined;
    const pools = this.#pools;
    return {
      key: reserved.pool.key,
      claim(owner) {
        const current = pools.get(workshopId);
        const environment = current?.pool.claim(owner);
        if (environment) current?.claimed.add(environment.id);
        return environment;
      },
      ready: () => pools.get(workshopId)?.pool.ready() ?? 0,
      stats: () => reserved.pool.stats(),
      whenFull: (options) => reserved.pool.whenFull(options),
      adopt: (options) => reserved.pool.adopt(options),
      dispose: (options) => reserved.pool.dispose(options),
    };
  }

  stats(workshopId: string): ReserveStats {
    const reserved = this.#pools.get(workshopId);
    if (!reserved) return { target: 0, ready: 0, creating: 0 };
    const stats = reserved.pool.stats();
    return { target: reserved.size, ready: stats.ready, creating: stats.creating };
  }

  /** Resolves when the workshop's pool holds its target (tests, benchmarks). */
  async whenReserved(workshopId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#pools.get(workshopId)?.pool.whenFull(options);
  }

  /** Stops the workshop's pool and destroys its unclaimed environments (the workshop ended). */
  async release(workshopId: string): Promise<void> {
    const reserved = this.#pools.get(workshopId);
    this.#pools.delete(workshopId);
    await reserved?.pool.dispose({ destroyUnclaimed: true });
  }

  /** Stops the timer and the pools; ready environments stay for the next process to adopt. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#timer);
    await this.#running;
    await Promise.allSettled([...this.#pools.values()].map(({ pool }) => pool.dispose()));
    this.#pools.clear();
  }

  async #pass(context: ServerContext): Promise<void> {
    const now = new Date();
    const open = await context.db.listWorkshops({ open: true });
    for (const workshop of open) {
      if (this.#disposed) return;
      if (workshop.endsAt <= now) {
        await endWorkshopNow(context, workshop.id, "time is up");
        continue;
      }
      if (now.getTime() < reserveFrom(workshop).getTime()) continue;
      const target = await this.#targetOf(context, workshop);
      if (target === undefined) continue;
      await this.#resize(context, workshop, target);
      context.workshops.bus.publishDashboard(workshop.id, { type: "reserve", reserve: this.stats(workshop.id) });
    }
    const openIds = new Set(open.map((workshop) => workshop.id));
    for (const workshopId of [...this.#pools.keys()]) if (!openIds.has(workshopId)) await this.release(workshopId);
  }

  /** Learners expected but not started yet, capped by what still fits in the machine budget. */
  async #targetOf(context: ServerContext, workshop: Workshop): Promise<number | undefined> {
    const scenarioId = workshop.scenarioIds[0];
    if (scenarioId === undefined || !context.scenarios(scenarioId)) return undefined;
    const runs = await context.db.listWorkshopRuns(workshop.id);
    const started = new Set(runs.filter((run) => run.scenarioId === scenarioId).map((run) => run.learnerId));
    // Counted against the same machine budget as learners' runs, warm pools and other workshops' reservations.
    const usage = await capacityUsage(context, { exceptWorkshopId: workshop.id });
    const found = context.scenarios(scenarioId);
    const free = found ? environmentsThatFit(context.config, usage, footprintOf(found.scenario)) : 0;
    return Math.min(Math.max(0, workshop.capacity - started.size), free, MAX_POOL_SIZE);
  }

  async #resize(context: ServerContext, workshop: Workshop, target: number): Promise<void> {
    const scenarioId = workshop.scenarioIds[0] ?? "";
    const found = context.scenarios(scenarioId);
    const current = this.#pools.get(workshop.id);
    if (!found || (current && current.size === target && current.scenarioId === scenarioId)) return;
    const claimed = current?.claimed ?? new Set<string>();
    // The old pool stops; its ready environments are taken over (or destroyed as surplus) by the new one.
    if (current) await current.pool.dispose();
    const untilEnd = Math.ceil((workshop.endsAt.getTime() - Date.now()) / 1000) + 60;
    const spec = environmentSpecFor(found.scenario, {
      ttlSeconds: Math.max(workshop.ttlSeconds, untilEnd),
      idleTimeoutSeconds: context.config.sandboxIdleSeconds,
      labels: { [WORKSHOP_LABEL]: workshop.id },
    });
    const pool = createWarmPool({
      runtime: context.runtime,
      key: `ws-${workshop.id}`,
      spec,
      size: target,
      primeTerminals: primedTerminalsOf(found.scenario, spec.hosts),
      ttlSecondsAfterClaim: workshop.ttlSeconds,
      refillDelayMs: REFILL_DELAY_MS,
      logger: context.logger.child({ module: "workshop-pool", workshop: workshop.id, scenario: scenarioId }),
    });
    const active = await context.db.listRunsByStatus({ statuses: ["starting", "ready"], limit: 10_000 });
    const inUse = new Set(active.flatMap((run) => (run.environmentId ? [run.environmentId] : [])));
    this.#pools.set(workshop.id, { pool, size: target, scenarioId, claimed });
    await pool.adopt({ isClaimed: (id) => claimed.has(id) || inUse.has(id) });
    context.logger.info({ workshop: workshop.id, target }, "workshop reservation resized");
  }
}
