// The server's shared state, made once at start-up (start-server-context.ts) and read by every handler.
// It lives on globalThis so that code bundled by Next (a separate module instance) reaches the same one.
import type { Database } from "@circus/db";
import type { CheckpointStore, SandboxRuntime, WarmPool } from "@circus/sandbox";
import type { WebConfig } from "../config";
import type { Logger } from "../logger";
import type { ConnectionCaps } from "./http/connection-caps";
import type { SharedRateLimit } from "./http/shared-rate-limit";
import type { FirstAdminSetup } from "./instructors/first-admin-setup";
import type { WebMetrics } from "./metrics";
import type { RunRecordings } from "./recordings/run-recordings";
import type { ReplicaCoordination } from "./replicas/replica-coordination";
import type { BackgroundLaunches } from "./runs/background-launches";
import type { EnvironmentReleaseHooks } from "./runs/environment-release";
import type { LabDirectory } from "./runs/lab-directory";
import type { RunEvents } from "./runs/run-events";
import type { ScenarioLookup } from "./runs/scenario-lookup";
import type { WorkshopServices } from "./workshops/workshop-services";

export interface ServerContext {
  config: WebConfig;
  logger: Logger;
  db: Database;
  /** The sandbox runtime; each environment's handle (`runtime.environment(id)`) owns its terminals. */
  runtime: SandboxRuntime;
  metrics: WebMetrics;
  labs: LabDirectory;
  /** The warm pool of each scenario (empty when CIRCUS_WARM_POOL_SIZE is 0). */
  pools: ReadonlyMap<string, WarmPool>;
  /** Scenarios of the loaded catalog, with their folders. */
  scenarios: ScenarioLookup;
  /**
   * What the web replicas share (in process with one replica): admission locks, the start rate limits per
   * learner and per client address, spent observer tickets,
   * environment leases, broadcast events, warm-pool ownership. See ARCHITECTURE.md.
   */
  replicas: ReplicaCoordination;
  /** Open event streams (SSE) per learner or instructor session, and in all. */
  eventStreams: ConnectionCaps;
  /** Checks, file saves and preview relays per learner and run, per minute (each starts a process in the sandbox). */
  sandboxActions: SharedRateLimit;
  /** Host restarts, rewinds and resumes per run (each recreates containers). */
  hostRebuilds: SharedRateLimit;
  /** Every write of a run's record, and the player's run streams that follow them. */
  runEvents: RunEvents;
  /** Lab starts still running after their 202. */
  launches: BackgroundLaunches;
  /** Told when a run's environment is stopped, finished or expired (terminal sockets, previews close). */
  environmentReleased: EnvironmentReleaseHooks;
  /** Workshops: event bus, live streams, join and sign-in limits, reservation scheduler. */
  workshops: WorkshopServices;
  /** The one-time setup token that claims the first admin account, while no instructor exists. */
  firstAdminSetup: FirstAdminSetup;
  /** Terminal recordings: live recorders per run, markers, the retention reaper. */
  recordings: RunRecordings;
  /** Step and saved checkpoints of runs (images on the engine, see checkpoints/). */
  checkpoints: CheckpointStore;
}

const CONTEXT_KEY = Symbol.for("circus.web.server-context");

type ContextHolder = { [CONTEXT_KEY]?: ServerContext };

export class ServerNotStartedError extends Error {
  override name = "ServerNotStartedError";
  readonly code = "server_not_started";
  readonly remedy = "start the app through server.ts and wait for it to log `ready`";
  constructor() {
    super("the server context is not ready yet (start the app through server.ts and wait for `ready`)");
  }
}

/** The running server's context; throws ServerNotStartedError before start-up has finished. */
export function getServerContext(): ServerContext {
  const context = (globalThis as ContextHolder)[CONTEXT_KEY];
  if (!context) throw new ServerNotStartedError();
  return context;
}

/** Publishes the context (start-up) or clears it (shutdown). */
export function publishServerContext(context: ServerContext | undefined): void {
  if (context) (globalThis as ContextHolder)[CONTEXT_KEY] = context;
  else delete (globalThis as ContextHolder)[CONTEXT_KEY];
}
