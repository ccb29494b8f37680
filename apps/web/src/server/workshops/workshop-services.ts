// The workshop state a server holds in memory, next to the database: the event bus, the live streams
// of instructor sessions, the rate limits of join codes and sign-ins, the join lock per workshop and the
// reservation scheduler. Made with the server context and disposed with it. With several web replicas,
// `serialize` holds across them, dashboard and learner notices reach every replica, and one replica at a
// time runs the reservation scheduler (replicas/replica-coordination.ts).
import type { Logger } from "../../logger";
import type { ServerContext } from "../context";
import { SharedRateLimit } from "../http/shared-rate-limit";
import type { ReplicaCoordination } from "../replicas/replica-coordination";
import { ReservationScheduler } from "./reserved-capacity";
import { SessionStreams } from "./session-streams";
import { WorkshopEventBus } from "./workshop-event-bus";

export interface WorkshopServicesOptions {
  /** Wrong join codes allowed per client address per minute. Default 10. */
  wrongJoinCodesPerMinute?: number;
  /** Failed instructor sign-ins allowed per client address per minute. Default 10. */
  failedSignInsPerMinute?: number;
  /** Instructor sign-up attempts allowed per client address per minute. Default 10. */
  signUpsPerMinute?: number;
  /** Heartbeat of the event streams. Default 15 s. */
  heartbeatMs?: number;
  /** How often the scheduler reserves, resizes and ends workshops. Default 10 s. */
  schedulerIntervalMs?: number;
}

export interface WorkshopServices {
  readonly bus: WorkshopEventBus;
  readonly sessionStreams: SessionStreams;
  /** Observer sockets by workshop id (`closeSession(workshopId)` closes them when the workshop ends). */
  readonly workshopObservers: SessionStreams;
  /** Counted across replicas (replicas/replica-coordination.ts). */
  readonly limits: { wrongJoinCodes: SharedRateLimit; failedSignIns: SharedRateLimit; signUps: SharedRateLimit };
  readonly heartbeatMs: number;
  readonly reservations: ReservationScheduler;
  /** Runs `task` after every earlier task of the same key (joins of one workshop, so capacity holds). */
  serialize<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Once the context is assembled: relays run events to dashboards and starts the scheduler. */
  start(context: ServerContext): void;
  dispose(): Promise<void>;
}

const MINUTE_MS = 60_000;

export function createWorkshopServices(
  logger: Logger,
  coordination: ReplicaCoordination,
  options: WorkshopServicesOptions = {},
): WorkshopServices {
  const log = logger.child({ module: "workshops" });
  const bus = new WorkshopEventBus((error) => log.warn({ err: error }, "a workshop event listener failed"));
  const sessionStreams = new SessionStreams();
  const workshopObservers = new SessionStreams();
  const limits = {
    wrongJoinCodes: new SharedRateLimit(
      coordination,
      "wrong-join-codes",
      options.wrongJoinCodesPerMinute ?? 10,
      MINUTE_MS,
    ),
    failedSignIns: new SharedRateLimit(
      coordination,
      "failed-sign-ins",
      options.failedSignInsPerMinute ?? 10,
      MINUTE_MS,
    ),
    signUps: new SharedRateLimit(coordination, "sign-ups", options.signUpsPerMinute ?? 10, MINUTE_MS),
  };
  const reservations = new ReservationScheduler(options.schedulerIntervalMs ?? 10_000);
  let stopRelay: (() => void) | undefined;
  let stopReceiving: (() => void) | undefined;
  return {
    bus,
    sessionStreams,
    workshopObservers,
    limits,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    reservations,
    serialize: (key, task) => coordination.serialize(key, task),
    start(context) {
      const workshops = new RunWorkshops();
      stopRelay = bus.onRunEvent((notice) => void relayToDashboard(context, workshops, notice.runId));
      bus.relayTo((notice) => coordination.broadcast(notice));
      stopReceiving = coordination.onMessage((message) => {
        if (message.type === "dashboard" || message.type === "learners") bus.receive(message);
      });
      void coordination.own("workshop-reservations", async () => {
        reservations.start(context);
        return () => reservations.dispose();
      });
    },
    async dispose() {
      stopRelay?.();
      stopReceiving?.();
      sessionStreams.dispose();
      workshopObservers.dispose();
      await reservations.dispose();
    },
  };
}

/**
 * The workshop of each run an event was published for: a run's workshop is set when it is created and never
 * changes, so each run is looked up once, not at every event (every Check, file save, step shown).
 */
class RunWorkshops {
  static readonly MAX_RUNS = 10_000;
  readonly #workshopOf = new Map<string, { workshopId: string | null; learnerId: string }>();

  async of(
    context: ServerContext,
    runId: string,
  ): Promise<{ workshopId: string | null; learnerId: string } | undefined> {
    const known = this.#workshopOf.get(runId);
    if (known) return known;
    const run = await context.db.getRun(runId);
    if (!run) return undefined;
    const entry = { workshopId: run.workshopId ?? null, learnerId: run.learnerId };
    this.#workshopOf.set(runId, entry);
    if (this.#workshopOf.size > RunWorkshops.MAX_RUNS) {
      const oldest = this.#workshopOf.keys().next().value;
      if (oldest !== undefined) this.#workshopOf.delete(oldest);
    }
    return entry;
  }
}

/** Tells the dashboard of the run's workshop (if any) that one of its participants changed. */
async function relayToDashboard(context: ServerContext, workshops: RunWorkshops, runId: string | null): Promise<void> {
  if (runId === null) return;
  try {
    const run = await workshops.of(context, runId);
    if (run?.workshopId) {
      context.workshops.bus.publishDashboard(run.workshopId, { type: "participant", learnerId: run.learnerId });
    }
  } catch (error) {
    context.logger.warn({ err: error, run: runId }, "could not relay a run event to its workshop");
  }
}
