// Starting a run (POST /api/runs): rate limits, resume of the learner's active run, capacity, then a
// "queued" Run row answered at once while the lab starts in the background (launch-lab.ts).
import { ActiveRunExistsError, type Run } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import type { RateCheck } from "../replicas/replica-coordination";
import { workshopRunOptions } from "../workshops/workshop-runs";
import { type CapacityUsage, capacityUsage, environmentsThatFit, type Footprint, footprintOf } from "./capacity";
import { launchLab } from "./launch-lab";

export interface StartRunInput {
  learnerId: string;
  scenarioId: string;
  /** The client's address group (clientAddressGroup), for the per-address limits. */
  ip: string;
}

/** What startRun did; `warm`: a new run whose lab is being claimed from a warm pool with a ready environment. */
export interface StartedRun {
  run: Run;
  resumed: boolean;
  warm: boolean;
}

/** The new run (status starting, stage queued) or the learner's active run of the scenario. */
export async function startRun(context: ServerContext, input: StartRunInput): Promise<StartedRun> {
  const { db, config } = context;
  const found = context.scenarios(input.scenarioId);
  if (!found) throw new AppError("scenario_not_found", `There is no scenario ${input.scenarioId} in the catalog.`);

  await takeStart(context, [
    [
      {
        bucket: "starts-per-learner",
        key: input.learnerId,
        limit: config.startsPerLearnerPerMinute,
        windowMs: MINUTE_MS,
      },
      "you started labs too often",
    ],
    [
      { bucket: "starts-per-address", key: input.ip, limit: config.startsPerIpPerMinute, windowMs: MINUTE_MS },
      "too many labs were started from your network",
    ],
  ]);

  const active = await db.findActiveRun(input.learnerId, input.scenarioId);
  if (active) return { run: active, resumed: true, warm: false };
  // A lab the learner saved: its page offers to resume it (checkpoints/resume-run.ts).
  const saved = await db.findSavedRun(input.learnerId, input.scenarioId);
  if (saved) return { run: saved, resumed: true, warm: false };

  // Below the machine's free-disk reserve no lab starts: a 503 that says why, before anything is recorded.
  await context.runtime.assertDiskReserve();

  await db.ensureLearner({ id: input.learnerId });
  // A workshop participant's run takes the workshop's TTL and reserved pool.
  const workshop = await workshopRunOptions(context, input.learnerId, input.scenarioId);
  // Starts are admitted one at a time: what is given out is counted and the run created before the next one looks.
  const admitted = await context.workshops.serialize("run-admission", async () => {
    const usage = await capacityUsage(context);
    // A reserved environment was counted for this workshop already: claiming it adds nothing.
    const claimsReserved =
      workshop !== undefined && context.workshops.reservations.poolFor(workshop.workshopId, input.scenarioId);
    // A workshop lets its participants keep one environment per scenario of the workshop.
    const perLearner = Math.max(config.environmentsPerLearner, workshop?.environmentsPerLearner ?? 0);
    const footprint = claimsReserved ? undefined : footprintOf(found.scenario);
    await refuseOverCapacity(context, { ...input, perLearner }, usage, footprint);
    try {
      const run = await db.createRun({
        learnerId: input.learnerId,
        scenarioId: input.scenarioId,
        expiresAt: new Date(Date.now() + (workshop?.ttlSeconds ?? config.sandboxTtlSeconds) * 1000),
        workshopId: workshop?.workshopId ?? null,
      });
      await db.recordRunAddress(run.id, input.ip);
      return { run, resumed: false };
    } catch (error) {
      // Two tabs pressed Start at once: the other request created it.
      const raced =
        error instanceof ActiveRunExistsError && (await db.findActiveRun(input.learnerId, input.scenarioId));
      if (raced) return { run: raced, resumed: true };
      throw error;
    }
  });
  if (admitted.resumed) return { ...admitted, warm: false };
  const { run } = admitted;
  await db.recordEvent({
    type: "run.requested",
    runId: run.id,
    learnerId: input.learnerId,
    data: { scenario: run.scenarioId },
  });
  const requestedAt = performance.now();
  const pool = workshop ? workshop.pool : context.pools.get(found.scenario.id);
  const warm = (pool?.stats().ready ?? 0) > 0;
  context.launches.start(run.id, (signal) =>
    launchLab(context, run, found, { signal, requestedAt, ...(workshop ? { workshop } : {}) }),
  );
  if (workshop) void context.workshops.reservations.reconcile();
  return { run, resumed: false, warm };
}

/**
 * Refuses a start (429) when the learner or its address group holds its share of environments already,
 * or when `footprint` (undefined: a reserved environment) does not fit in the machine budget.
 */
async function refuseOverCapacity(
  context: ServerContext,
  input: StartRunInput & { perLearner: number },
  usage: CapacityUsage,
  footprint: Footprint | undefined,
): Promise<void> {
  const { config, metrics } = context;
  const held = usage.activeRuns.filter((run) => run.learnerId === input.learnerId).length;
  if (held >= input.perLearner) {
    metrics.refusedStarts.inc({ reason: "per_learner" });
    throw new AppError(
      "environments_per_learner",
      `You have ${held} lab${held === 1 ? "" : "s"} running already (the most one learner may hold). Stop one, then start this one.`,
      { retryAfterSeconds: 60 },
    );
  }
  // From the database: runs started before a restart or on another replica count too.
  const fromAddress = await context.db.countLiveRunsFromAddress(input.ip);
  if (fromAddress >= config.environmentsPerAddress) {
    metrics.refusedStarts.inc({ reason: "per_address" });
    throw new AppError(
      "environments_per_address",
      `Your network holds ${fromAddress} labs already (the most one address may hold). Stop one, then try again.`,
      { retryAfterSeconds: 60 },
    );
  }
  if (footprint && environmentsThatFit(config, usage, footprint) < 1) {
    metrics.refusedStarts.inc({ reason: "capacity" });
    throw new AppError("capacity", "All lab slots are in use right now. Try again in a few minutes.", {
      retryAfterSeconds: 60,
    });
  }
}

const MINUTE_MS = 60_000;

/** Counts a start against every limit (on every replica), or throws 429 with the longest wait (counting nothing). */
async function takeStart(context: ServerContext, limits: [RateCheck, string][]): Promise<void> {
  const verdict = await context.replicas.takeRates(limits.map(([check]) => check));
  if (verdict.allowed) return;
  const seconds = Math.ceil(verdict.retryAfterMs / 1000);
  context.metrics.refusedStarts.inc({ reason: "rate_limited" });
  throw new AppError(
    "rate_limited",
    `Slow down: ${limits[verdict.refused ?? 0]?.[1]}. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    { retryAfterSeconds: seconds },
  );
}
