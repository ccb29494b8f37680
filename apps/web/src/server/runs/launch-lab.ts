// The background half of a run start: startLab with the scenario's warm pool, each stage written to the
// Run row, then "ready" (or "failed" with a message fit for the learner), with events and metrics.
import type { Run } from "@circus/db";
import { LabError, type LabStage, startLab } from "@circus/lab";
import { SandboxError } from "@circus/sandbox";
import type { ServerContext } from "../context";
import type { WorkshopRunOptions } from "../workshops/workshop-runs";
import type { ScenarioWithDirectory } from "./scenario-lookup";

const GENERIC_START_FAILURE = "The lab could not be started because of a problem on our side. Try again in a moment.";

export async function launchLab(
  context: ServerContext,
  run: Run,
  { scenario, directory }: ScenarioWithDirectory,
  options: { signal: AbortSignal; requestedAt: number; workshop?: WorkshopRunOptions },
): Promise<void> {
  const { db, runtime, config, metrics } = context;
  const logger = context.logger.child({ learner: run.learnerId, run: run.id, scenario: scenario.id });
  let source: "pool" | "created" = "pool";
  // onStage is synchronous: the writes are chained so they land in order.
  let stageWrites: Promise<unknown> = Promise.resolve();
  const onStage = (stage: LabStage) => {
    if (stage === "creating") source = "created";
    if (stage === "ready") return;
    stageWrites = stageWrites
      .then(() => db.updateRun(run.id, { stage }))
      .catch((error: unknown) => logger.warn({ err: error, stage }, "could not record the run's stage"));
  };
  // A workshop run starts from the workshop's reserved pool (or a new environment), never the scenario's.
  const { workshop } = options;
  const pool = workshop ? workshop.pool : context.pools.get(scenario.id);
  try {
    const lab = await startLab({
      runtime,
      scenario,
      scenarioDir: directory,
      owner: run.id,
      ttlSeconds: workshop?.ttlSeconds ?? config.sandboxTtlSeconds,
      ...(workshop ? { labels: workshop.labels } : {}),
      idleTimeoutSeconds: config.sandboxIdleSeconds,
      ...(pool ? { pool } : {}),
      signal: options.signal,
      onStage,
      logger,
    });
    await stageWrites;
    const environmentId = lab.environment.id;
    const current = await db.getRun(run.id);
    if (current?.status !== "starting") {
      // Stopped while it started: the environment is nobody's.
      logger.info({ environment: environmentId, status: current?.status }, "run ended during its start");
      await runtime.destroy(environmentId);
      return;
    }
    await db.updateRun(run.id, {
      status: "ready",
      stage: "ready",
      environmentId,
      readyAt: new Date(),
      expiresAt: lab.environment.expiresAt,
    });
    context.labs.remember(run.id, lab);
    const seconds = (performance.now() - options.requestedAt) / 1000;
    metrics.environmentStarts.inc({ outcome: "ready", source });
    metrics.environmentStartSeconds.observe({ source }, seconds);
    await db.recordEvent({
      type: "run.ready",
      runId: run.id,
      learnerId: run.learnerId,
      data: { environment: environmentId, source, ms: Math.round(seconds * 1000) },
    });
    logger.info({ environment: environmentId, source, ms: Math.round(seconds * 1000) }, "lab ready");
  } catch (error) {
    await stageWrites;
    metrics.environmentStarts.inc({ outcome: "failed", source });
    const aborted = options.signal.aborted;
    const message = aborted
      ? "The lab start was cancelled (the run was stopped or the server restarted). Start it again."
      : error instanceof SandboxError || error instanceof LabError
        ? error.message
        : GENERIC_START_FAILURE;
    if (aborted) logger.info("lab start cancelled");
    else logger.error({ err: error }, "lab start failed");
    const current = await db.getRun(run.id);
    if (current?.status === "starting") {
      await db.updateRun(run.id, { status: "failed", stage: null, error: message, finishedAt: new Date() });
      await db.recordEvent({
        type: "run.failed",
        runId: run.id,
        learnerId: run.learnerId,
        data: { message, code: error instanceof SandboxError || error instanceof LabError ? error.code : "internal" },
      });
    }
  }
}
