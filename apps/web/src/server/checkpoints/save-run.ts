// "Save and leave": the hosts are checkpointed (kind "saved") and removed, the run is kept in status
// "saved" with its step, and the saved lab counts against its learner's storage cap until it is resumed,
// deleted, or passes its retention.
import type { Run } from "@circus/db";
import type { Scenario } from "@circus/scenario";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { requireReadyLab } from "../runs/run-access";
import { releaseEnvironment } from "../runs/run-lifecycle";
import { type RunView, toRunView } from "../runs/run-view";
import { exclusivelyOnRun } from "./exclusive-run-operation";
import { savingRefusal } from "./saving-allowed";

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

export interface SaveOutcome {
  run: RunView;
  saved: { expiresAt: string; sizeBytes: number; usedBytes: number; capBytes: number };
}

export async function saveRun(context: ServerContext, learnerId: string, runId: string): Promise<SaveOutcome> {
  const { run, lab, scenario } = await requireReadyLab(context, learnerId, runId);
  await assertSavingAllowed(context, run);
  return exclusivelyOnRun(run.id, async () => {
    const { db, config, checkpoints } = context;
    const capBytes = config.savedLabStorageMiBPerLearner * MIB;
    await checkpoints.settled(run.id);
    const checkpoint = await checkpoints.take(lab.environment, { owner: run.id, step: run.currentStep, kind: "saved" });
    // The run's step checkpoints stay (rewinding works after resuming): they count too.
    const sizeBytes = (await checkpoints.list(run.id)).reduce((sum, each) => sum + each.sizeBytes, 0);
    const others = (await db.listSavedLabs(learnerId)).filter((saved) => saved.runId !== run.id);
    const usedByOthers = others.reduce((sum, saved) => sum + saved.sizeKiB * 1024, 0);
    if (usedByOthers + sizeBytes > capBytes) {
      await checkpoints.remove(run.id, { kind: "saved" });
      throw new AppError(
        "saved_lab_storage_full",
        `Saving needs ${mebibytes(sizeBytes)} MiB but your saved labs already take ${mebibytes(usedByOthers)} of your ${mebibytes(capBytes)} MiB. Delete a saved lab on the My labs page, or delete large files in this lab, then save again.`,
      );
    }
    const expiresAt = new Date(Date.now() + config.savedLabRetentionDays * DAY_MS);
    // Status first: the expiry sync then never takes the environment's removal for an expiry.
    const updated = await db.updateRun(run.id, { status: "saved", stage: null, environmentId: null });
    await db.saveLab({
      runId: run.id,
      learnerId,
      step: run.currentStep,
      images: Object.fromEntries(checkpoint.hosts.map((host) => [host.name, host.image])),
      sizeKiB: Math.ceil(sizeBytes / 1024),
      expiresAt,
    });
    await releaseEnvironment(context, run, { keepCheckpoints: true });
    await db.recordEvent({
      type: "run.saved",
      runId: run.id,
      learnerId,
      data: { step: run.currentStep, bytes: sizeBytes },
    });
    context.logger.info({ run: run.id, learner: learnerId, bytes: sizeBytes }, "lab saved");
    return {
      run: toRunView(updated, scenario, await db.listStepProgress(run.id), { savingAllowed: true }),
      saved: {
        expiresAt: expiresAt.toISOString(),
        sizeBytes,
        usedBytes: usedByOthers + sizeBytes,
        capBytes,
      },
    };
  });
}

/** Refuses a save where saving is off (on this server, or in the run's workshop). */
export async function assertSavingAllowed(context: ServerContext, run: Run): Promise<void> {
  const refusal = await savingRefusal(context, run);
  if (refusal) throw new AppError("saving_disabled", refusal);
}

export interface SavedLabView {
  runId: string;
  scenarioId: string;
  scenarioTitle: string;
  /** 0-based step the learner was on. */
  step: number;
  stepTitle: string;
  savedAt: string;
  expiresAt: string;
  sizeBytes: number;
  /** The run's page, where "Resume" is. */
  url: string;
}

/** The learner's saved labs (My labs) and how much of the storage cap they take. */
export async function listMyLabs(
  context: ServerContext,
  learnerId: string,
): Promise<{ labs: SavedLabView[]; usedBytes: number; capBytes: number }> {
  const saved = await context.db.listSavedLabs(learnerId);
  const labs: SavedLabView[] = [];
  for (const lab of saved) {
    const run = await context.db.getRun(lab.runId);
    if (!run) continue;
    const scenario: Scenario | undefined = context.scenarios(run.scenarioId)?.scenario;
    labs.push({
      runId: run.id,
      scenarioId: run.scenarioId,
      scenarioTitle: scenario?.title ?? run.scenarioId,
      step: lab.step,
      stepTitle: scenario?.steps[lab.step]?.title ?? `Step ${lab.step + 1}`,
      savedAt: lab.savedAt.toISOString(),
      expiresAt: lab.expiresAt.toISOString(),
      sizeBytes: lab.sizeKiB * 1024,
      url: `/runs/${encodeURIComponent(run.id)}`,
    });
  }
  return {
    labs,
    usedBytes: saved.reduce((sum, lab) => sum + lab.sizeKiB * 1024, 0),
    capBytes: context.config.savedLabStorageMiBPerLearner * MIB,
  };
}

/** Deletes a saved lab of the learner: its images, its record, and the run becomes "stopped". */
export async function deleteMyLab(context: ServerContext, learnerId: string, runId: string): Promise<void> {
  const run = await context.labs.ownedRun(learnerId, runId);
  const saved = run ? await context.db.getSavedLab(run.id) : null;
  if (!run || !saved) {
    throw new AppError("saved_lab_not_found", "There is no such saved lab. It may have been deleted or expired.");
  }
  await exclusivelyOnRun(run.id, async () => {
    await context.db.deleteSavedLab(run.id);
    if (run.status === "saved") await context.db.updateRun(run.id, { status: "stopped", finishedAt: new Date() });
    await context.checkpoints.remove(run.id);
    await context.db.recordEvent({ type: "run.saved_deleted", runId: run.id, learnerId, data: {} });
  });
}

function mebibytes(bytes: number): number {
  return Math.ceil(bytes / MIB);
}
