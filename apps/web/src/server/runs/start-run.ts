// Starting a run (POST /api/runs): rate limits, resume of the learner's active run, capacity, then a
// "queued" Run row answered at once while the lab starts in the background (launch-lab.ts).
import { ActiveRunExistsError, type Run } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import type { RateLimiter } from "../http/rate-limiter";
import { workshopRunOptions } from "../workshops/workshop-runs";
import { launchLab } from "./launch-lab";

export interface StartRunInput {
  learnerId: string;
  scenarioId: string;
  /** The client's address, for the per-IP limit. */
  ip: string;
}

/** The new run (status starting, stage queued) or the learner's active run of the scenario. */
export async function startRun(context: ServerContext, input: StartRunInput): Promise<{ run: Run; resumed: boolean }> {
  const { db, config, metrics } = context;
  const found = context.scenarios(input.scenarioId);
  if (!found) throw new AppError("scenario_not_found", `There is no scenario ${input.scenarioId} in the catalog.`);

  takeStart(context, [
    [context.startLimits.perLearner, input.learnerId, "you started labs too often"],
    [context.startLimits.perIp, input.ip, "too many labs were started from your network"],
  ]);

  const active = await db.findActiveRun(input.learnerId, input.scenarioId);
  if (active) return { run: active, resumed: true };

  const running = await db.listRunsByStatus({ statuses: ["starting", "ready"], limit: config.maxEnvironments });
  if (running.length >= config.maxEnvironments) {
    metrics.refusedStarts.inc({ reason: "capacity" });
    throw new AppError("capacity", "All lab slots are in use right now. Try again in a few minutes.", {
      retryAfterSeconds: 60,
    });
  }

  // Below the machine's free-disk reserve no lab starts: a 503 that says why, before anything is recorded.
  await context.runtime.assertDiskReserve();

  await db.ensureLearner({ id: input.learnerId });
  // A workshop participant's run takes the workshop's TTL and reserved pool.
  const workshop = await workshopRunOptions(context, input.learnerId, input.scenarioId);
  let run: Run;
  try {
    run = await db.createRun({
      learnerId: input.learnerId,
      scenarioId: input.scenarioId,
      expiresAt: new Date(Date.now() + (workshop?.ttlSeconds ?? config.sandboxTtlSeconds) * 1000),
      workshopId: workshop?.workshopId ?? null,
    });
  } catch (error) {
    // Two tabs pressed Start at once: the other request created it.
    const raced = error instanceof ActiveRunExistsError && (await db.findActiveRun(input.learnerId, input.scenarioId));
    if (raced) return { run: raced, resumed: true };
    throw error;
  }
  await db.recordEvent({
    type: "run.requested",
    runId: run.id,
    learnerId: input.learnerId,
    data: { scenario: run.scenarioId },
  });
  const requestedAt = performance.now();
  context.launches.start(run.id, (signal) =>
    launchLab(context, run, found, { signal, requestedAt, ...(workshop ? { workshop } : {}) }),
  );
  if (workshop) void context.workshops.reservations.reconcile();
  return { run, resumed: false };
}

/** Counts a start against every limit, or throws 429 with the longest wait (counting nothing). */
function takeStart(context: ServerContext, limits: [RateLimiter, string, string][]): void {
  const refused = limits
    .map(([limiter, key, reason]) => ({ verdict: limiter.peek(key), reason }))
    .filter((entry) => !entry.verdict.allowed);
  if (refused.length > 0) {
    const waitMs = Math.max(...refused.map(({ verdict }) => (verdict.allowed ? 0 : verdict.retryAfterMs)));
    const seconds = Math.ceil(waitMs / 1000);
    context.metrics.refusedStarts.inc({ reason: "rate_limited" });
    throw new AppError(
      "rate_limited",
      `Slow down: ${refused[0]?.reason}. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
      { retryAfterSeconds: seconds },
    );
  }
  for (const [limiter, key] of limits) limiter.take(key);
}
