// Resuming a saved lab (its run's page or the catalog): a new environment whose hosts start from the saved
// checkpoint images, the run ready again on the same step, that step's setup run again, and a report of
// what could not be carried over (processes, tmpfs, hosts whose saved files are gone, failed setups).
import { ActiveRunExistsError, type Run } from "@circus/db";
import { environmentSpecFor, prepareRestartedHost, rerunStepSetups } from "@circus/lab";
import { CHECKPOINT_KEEPS, CHECKPOINT_LOSES } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { capacityUsage, environmentsThatFit, footprintOf } from "../runs/capacity";
import { hostStateViews } from "../runs/host-state-views";
import { runNotFound } from "../runs/run-access";
import { type RunView, toRunView } from "../runs/run-view";
import { workshopRunOptions } from "../workshops/workshop-runs";
import { exclusivelyOnRun } from "./exclusive-run-operation";
import { savingAllowed } from "./saving-allowed";

export interface ResumeOutcome {
  run: RunView;
  resumed: { step: number; keeps: string; notCarriedOver: string[] };
}

export async function resumeRun(context: ServerContext, learnerId: string, runId: string): Promise<ResumeOutcome> {
  const run = await context.labs.ownedRun(learnerId, runId);
  if (!run) throw runNotFound();
  const saved = await context.db.getSavedLab(run.id);
  if (run.status !== "saved" || !saved) {
    throw new AppError("saved_lab_not_found", "This lab is not saved (it may have been resumed, deleted or expired).");
  }
  const found = context.scenarios(run.scenarioId);
  if (!found) {
    throw new AppError("scenario_not_found", `The scenario ${run.scenarioId} is no longer offered on this server.`);
  }
  const { scenario } = found;
  return exclusivelyOnRun(run.id, async () => {
    const { db, runtime, config, checkpoints } = context;
    await runtime.assertDiskReserve();
    await refuseOverCapacity(context, run);
    const notCarriedOver = [CHECKPOINT_LOSES];
    // Hosts start from their saved image; a later Restart of one starts it fresh from the scenario's image (the
    // saved checkpoint is removed once resumed). Hosts whose saved image is gone (or that the scenario added
    // since) start from the scenario's image.
    const freshHosts: string[] = [];
    const spec = environmentSpecFor(scenario, {
      ttlSeconds: config.sandboxTtlSeconds,
      idleTimeoutSeconds: config.sandboxIdleSeconds,
      owner: run.id,
    });
    const workshop = await workshopRunOptions(context, learnerId, run.scenarioId);
    if (workshop) {
      spec.ttlSeconds = workshop.ttlSeconds;
      spec.labels = { ...spec.labels, ...workshop.labels };
    }
    for (const host of spec.hosts) {
      const image = saved.images[host.name];
      if (image && (await context.checkpoints.hasImage(image))) host.startImage = image;
      else freshHosts.push(host.name);
    }
    for (const host of freshHosts) notCarriedOver.push(`the files of host ${host} (it starts fresh)`);

    const environment = await runtime.create(spec);
    let updated: Run;
    try {
      updated = await db.updateRun(run.id, {
        status: "ready",
        stage: "ready",
        environmentId: environment.id,
        readyAt: new Date(),
        expiresAt: environment.expiresAt,
      });
    } catch (error) {
      await runtime.destroy(environment.id);
      if (error instanceof ActiveRunExistsError) {
        throw new AppError(
          "lab_busy",
          "You have another lab of this scenario running. Stop it first, then resume this one.",
        );
      }
      throw error;
    }
    context.labs.forget(run.id);
    const lab = await context.labs.labOf(updated);
    if (!lab) throw new AppError("environment_missing", "The resumed lab's environment is gone. Resume it again.");
    const steps = Array.from({ length: run.currentStep + 1 }, (_, index) => index);
    for (const host of freshHosts) {
      const prepared = await prepareRestartedHost(lab, host, { stepsShown: steps });
      for (const setup of prepared.setups) {
        if (setup.result.exitCode !== 0) notCarriedOver.push(`the setup of ${describeSetup(setup.step)} failed`);
      }
    }
    if (freshHosts.length < spec.hosts.length) {
      for (const { step, result } of await rerunStepSetups(lab, [run.currentStep])) {
        if (result.exitCode !== 0) notCarriedOver.push(`the setup of step ${step + 1} failed`);
      }
    }
    // The saved lab is resumed: it no longer counts against the storage cap (its image stays while in use).
    await db.deleteSavedLab(run.id);
    await checkpoints.remove(run.id, { kind: "saved" });
    await db.recordEvent({
      type: "run.resumed",
      runId: run.id,
      learnerId,
      data: { environment: environment.id, step: run.currentStep, freshHosts },
    });
    context.logger.info({ run: run.id, learner: learnerId, environment: environment.id }, "lab resumed");
    return {
      run: toRunView(updated, scenario, await db.listStepProgress(run.id), {
        hostStates: hostStateViews(context, environment.id),
        savingAllowed: await savingAllowed(context, updated),
      }),
      resumed: { step: run.currentStep, keeps: CHECKPOINT_KEEPS, notCarriedOver },
    };
  });
}

/** The same per-learner and machine limits as a start (429 with a wait). */
async function refuseOverCapacity(context: ServerContext, run: Run): Promise<void> {
  const found = context.scenarios(run.scenarioId);
  const usage = await capacityUsage(context);
  const held = usage.activeRuns.filter((active) => active.learnerId === run.learnerId).length;
  if (held >= context.config.environmentsPerLearner) {
    throw new AppError(
      "environments_per_learner",
      `You have ${held} lab${held === 1 ? "" : "s"} running already (the most one learner may hold). Stop one, then resume this one.`,
      { retryAfterSeconds: 60 },
    );
  }
  if (found && environmentsThatFit(context.config, usage, footprintOf(found.scenario)) < 1) {
    throw new AppError("capacity", "All lab slots are in use right now. Try again in a few minutes.", {
      retryAfterSeconds: 60,
    });
  }
}

function describeSetup(step: number | "intro"): string {
  return step === "intro" ? "the introduction" : `step ${step + 1}`;
}
