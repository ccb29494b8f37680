// Start-up and shutdown of the server's shared state: the database (migrated first), the sandbox runtime
// (which adopts live environments), runs resumed, warm pools per scenario, and the run-expiry sync.
import { type Database, migrateDatabase, openDatabase, redactPassword } from "@circus/db";
import { environmentSpecFor } from "@circus/lab";
import { createWarmPool, type SandboxRuntime, type WarmPool } from "@circus/sandbox";
import type { Scenario } from "@circus/scenario";
import type { Catalog } from "../catalog/catalog";
import type { WebConfig } from "../config";
import type { Logger } from "../logger";
import { startCheckpointReaper } from "./checkpoints/run-checkpoints";
import type { ServerContext } from "./context";
import { ConnectionCaps } from "./http/connection-caps";
import { SharedRateLimit } from "./http/shared-rate-limit";
import { prepareFirstAdminSetup } from "./instructors/first-admin-setup";
import { createWebMetrics } from "./metrics";
import { RunRecordings } from "./recordings/run-recordings";
import { createReplicaCoordination } from "./replicas/create-replica-coordination";
import type { PostgresCoordinationOptions } from "./replicas/postgres-coordination";
import type { ReplicaCoordination } from "./replicas/replica-coordination";
import { BackgroundLaunches } from "./runs/background-launches";
import { EnvironmentReleaseHooks } from "./runs/environment-release";
import { watchHostStops } from "./runs/host-stop-notices";
import { createLabDirectory } from "./runs/lab-directory";
import { RunEvents } from "./runs/run-events";
import { resumeRuns, watchRunExpiry } from "./runs/run-sync";
import { scenarioLookupOf } from "./runs/scenario-lookup";
import { startSandboxRuntime } from "./start-sandbox-runtime";
import { primedTerminalsOf } from "./terminals/primed-terminal";
import { createWorkshopServices, type WorkshopServicesOptions } from "./workshops/workshop-services";

export interface StartServerContextOptions {
  config: WebConfig;
  logger: Logger;
  catalog: Catalog;
  /**
   * Where run lookups read the catalog at each call, when it can change while the server runs (dev-scenario
   * mode republishes it on each save). Default: `catalog`.
   */
  currentCatalog?: () => Catalog;
  /** Extra labels scoping the sandbox runtime (e.g. `circus.test=<id>` in tests), on top of `circus.scope`. */
  runtimeLabels?: Record<string, string>;
  /** How often the runtime reaps expired and idle environments. Default the sandbox's (30 s). */
  reapIntervalMs?: number;
  /** How often runs are checked against the runtime. Default 5 s. */
  expirySyncIntervalMs?: number;
  /** Limits and intervals of the workshop services (tests shorten them). */
  workshops?: WorkshopServicesOptions;
  /** How often terminal recordings flush. Default 2 s. */
  recordingFlushIntervalMs?: number;
  /** How often expired recordings are deleted. Default hourly. */
  recordingReapIntervalMs?: number;
  /** How often checkpoint images no run needs are removed. Default every 10 minutes. */
  checkpointReapIntervalMs?: number;
  /** Called with the SQL of every database query (tests count the queries of a request). */
  onDatabaseQuery?: (sql: string) => void;
  /** With CIRCUS_WEB_REPLICAS=several: how often pool ownership is asked again, lease flushes (tests shorten them). */
  replicas?: PostgresCoordinationOptions;
}

export interface RunningServerContext {
  context: ServerContext;
  /** Stops the sync, the pools (leaving claimed and ready environments running), the runtime and the database. */
  dispose(): Promise<void>;
}

const MINUTE_MS = 60_000;

export async function startServerContext(options: StartServerContextOptions): Promise<RunningServerContext> {
  const { config, catalog } = options;
  const logger = options.logger;
  const migration = await migrateDatabase({ url: config.databaseUrl });
  logger.info(
    { database: redactPassword(config.databaseUrl), applied: migration.applied, ms: migration.durationMs },
    "database migrated",
  );
  const db = await openDatabase({
    url: config.databaseUrl,
    ...(options.onDatabaseQuery ? { onQuery: options.onDatabaseQuery } : {}),
  });
  let runtime: SandboxRuntime | undefined;
  let replicas: ReplicaCoordination | undefined;
  try {
    replicas = await createReplicaCoordination(config, logger, options.replicas);
    // A scenario's warm pool grows to warmPoolMax while learners arrive: room for that beside the learners.
    const poolSize = config.warmPoolMax;
    runtime = await startSandboxRuntime({
      config,
      logger,
      labels: { "circus.scope": config.sandboxScope, ...options.runtimeLabels },
      maxEnvironments: config.maxEnvironments + poolSize * catalog.scenarios.size,
      ...(options.reapIntervalMs ? { reapIntervalMs: options.reapIntervalMs } : {}),
      // Other replicas share the engine: adopt their environments, never reap one they use.
      ...(replicas.leases ? { shared: { leases: replicas.leases } } : {}),
    });
    await logMissingProtections(runtime, logger);
    return await assemble(options, db, runtime, replicas);
  } catch (error) {
    await runtime?.dispose();
    await replicas?.dispose();
    await db.dispose();
    throw error;
  }
}

async function assemble(
  options: StartServerContextOptions,
  db: Database,
  runtime: SandboxRuntime,
  replicas: ReplicaCoordination,
): Promise<RunningServerContext> {
  const { config, logger, catalog } = options;
  const scenarios = scenarioLookupOf(options.currentCatalog ?? (() => catalog));
  const pools = new Map<string, WarmPool>();
  const workshops = createWorkshopServices(logger, replicas, {
    signUpsPerMinute: config.signUpsPerIpPerMinute,
    ...options.workshops,
  });
  const runEvents = new RunEvents(logger);
  const context: ServerContext = {
    config,
    logger,
    // Every recorded run event also goes to the workshop event bus (live dashboards), and every write of
    // a run to the player's run streams.
    db: {
      ...db,
      updateRun: async (id, patch) => {
        const run = await db.updateRun(id, patch);
        runEvents.publish(run);
        replicas.broadcast({ type: "run-changed", runId: run.id });
        return run;
      },
      recordEvent: async (input) => {
        const event = await db.recordEvent(input);
        workshops.bus.publishRunEvent({ type: event.type, runId: event.runId, learnerId: event.learnerId });
        return event;
      },
    },
    runtime,
    metrics: createWebMetrics(),
    labs: createLabDirectory({ db, runtime, scenarios, logger, adoptOnMiss: config.webReplicas === "several" }),
    pools,
    scenarios,
    replicas,
    eventStreams: new ConnectionCaps(config.eventStreamsPerHolder, config.eventStreamsMax),
    sandboxActions: new SharedRateLimit(replicas, "sandbox-actions", config.sandboxActionsPerRunPerMinute, MINUTE_MS),
    hostRebuilds: new SharedRateLimit(replicas, "host-rebuilds", config.hostRebuildsPerRunPerHour, 60 * MINUTE_MS),
    runEvents,
    launches: new BackgroundLaunches(),
    environmentReleased: new EnvironmentReleaseHooks(logger),
    workshops,
    firstAdminSetup: await prepareFirstAdminSetup(db, config, logger),
    recordings: new RunRecordings({
      db,
      maxBytesPerRun: config.recordingMaxBytes,
      retentionDays: config.recordingRetentionDays,
      logger: logger.child({ module: "recordings" }),
      ...(options.recordingFlushIntervalMs ? { flushIntervalMs: options.recordingFlushIntervalMs } : {}),
    }),
    checkpoints: runtime.createCheckpointStore({
      logger: logger.child({ module: "checkpoints" }),
      maxPerOwner: Math.max(1, config.checkpointsPerRun),
      maxBytesPerOwner: config.checkpointMaxMiBPerRun * 1024 * 1024,
      beforeTake: () => runtime.assertDiskReserve(),
    }),
  };
  // A run written on another replica: its streams here hear it too.
  const stopHearingRuns = replicas.onMessage((message) => {
    if (message.type === "run-changed" && runEvents.isWatched(message.runId)) {
      void db
        .getRun(message.runId)
        .then((run) => run && runEvents.publish(run))
        .catch((error: unknown) =>
          logger.warn({ err: error, run: message.runId }, "could not read a run changed elsewhere"),
        );
    }
  });
  await resumeRuns(context);
  await startWarmPools(context, catalog);
  const stopExpirySync = watchRunExpiry(context, options.expirySyncIntervalMs);
  const stopHostStopNotices = watchHostStops(context);
  const stopRecordingReaper = context.recordings.startReaper(options.recordingReapIntervalMs ?? 3_600_000);
  const stopCheckpointReaper = startCheckpointReaper(context, options.checkpointReapIntervalMs ?? 600_000);
  workshops.start(context);

  let disposed: Promise<void> | undefined;
  const dispose = async () => {
    stopExpirySync();
    stopHostStopNotices();
    stopRecordingReaper();
    stopCheckpointReaper();
    stopHearingRuns();
    runEvents.dispose();
    await workshops.dispose();
    await context.launches.dispose();
    // Ready pool environments stay for the next process (or owner) to adopt; claimed ones belong to runs.
    await replicas.dispose();
    await Promise.allSettled([...pools.values()].map((pool) => pool.dispose()));
    // Ends every terminal (and its recording) before the recordings close; containers keep running.
    await runtime.dispose();
    await context.recordings.dispose();
    await db.dispose();
    logger.info("server context disposed");
  };
  return {
    context,
    dispose: () => {
      disposed ??= dispose();
      return disposed;
    },
  };
}

/** One warm pool per scenario, taking back the pool environments a previous process left. */
async function startWarmPools(context: ServerContext, catalog: Catalog): Promise<void> {
  const { config, db } = context;
  if (config.warmPoolSize === 0) return;
  const active = await db.listRunsByStatus({ statuses: ["starting", "ready"], limit: 10_000 });
  const claimed = new Set(active.flatMap((run) => (run.environmentId ? [run.environmentId] : [])));
  const pools = context.pools as Map<string, WarmPool>;
  for (const scenario of catalog.scenarios.values()) {
    // One replica owns each pool (with one replica: this one); the others start cold until it dies.
    await context.replicas.own(`warm-pool:${config.sandboxScope}:${scenario.id}`, () =>
      startWarmPool(context, scenario, claimed, pools),
    );
  }
}

/** Starts (adopting what a previous owner left) the warm pool of one scenario; returns how to stop it. */
async function startWarmPool(
  context: ServerContext,
  scenario: Scenario,
  claimed: ReadonlySet<string>,
  pools: Map<string, WarmPool>,
): Promise<() => Promise<void>> {
  const { config, runtime, logger } = context;
  try {
    const spec = environmentSpecFor(scenario, {
      ttlSeconds: config.sandboxTtlSeconds,
      idleTimeoutSeconds: config.sandboxIdleSeconds,
    });
    const pool = createWarmPool({
      runtime,
      key: scenario.id,
      spec,
      size: config.warmPoolSize,
      maxSize: config.warmPoolMax,
      primeTerminals: primedTerminalsOf(scenario, spec.hosts),
      ttlSecondsAfterClaim: config.sandboxTtlSeconds,
      logger: logger.child({ module: "pool", scenario: scenario.id }),
    });
    await pool.adopt({ isClaimed: (environmentId) => claimed.has(environmentId) });
    pools.set(scenario.id, pool);
  } catch (error) {
    logger.error({ err: error, scenario: scenario.id }, "no warm pool for this scenario");
  }
  return async () => {
    const pool = pools.get(scenario.id);
    pools.delete(scenario.id);
    await pool?.dispose();
  };
}

/** Says at start-up which protections the engine lacks, each with its fix (also on /readyz). */
async function logMissingProtections(runtime: SandboxRuntime, logger: Logger): Promise<void> {
  try {
    for (const protection of await runtime.protections()) {
      if (!protection.ok) {
        logger.warn({ protection: protection.name, fix: protection.fix }, `protection missing: ${protection.detail}`);
      }
    }
  } catch (error) {
    logger.warn({ err: error }, "could not check the engine's protections");
  }
}
