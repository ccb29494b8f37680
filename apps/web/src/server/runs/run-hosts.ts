// Restarting a host of a learner's run (its state as the player shows it: host-state-views.ts):
// a new container from the host's image, its assets copied and its setups run again.
import { prepareRestartedHost } from "@circus/lab";
import { savingAllowed } from "../checkpoints/saving-allowed";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { hostStateViews } from "./host-state-views";
import { requireReadyLab } from "./run-access";
import type { RunView } from "./run-view";
import { toRunView } from "./run-view";

export async function restartRunHost(
  context: ServerContext,
  learnerId: string,
  runId: string,
  hostName: string,
): Promise<RunView> {
  const { run, lab, scenario } = await requireReadyLab(context, learnerId, runId);
  if (!lab.environment.hosts.some((host) => host.name === hostName)) {
    throw new AppError("host_not_found", `This lab has no host ${hostName}.`);
  }
  const environmentId = lab.environment.id;
  context.logger.info({ run: run.id, learner: learnerId, host: hostName }, "restarting a host");
  // The host's shells end with its old container (the environment's handle ends them).
  await context.runtime.environment(environmentId).restartHost(hostName);
  // Re-attach: the lab's snapshot names the old container.
  context.labs.forget(run.id);
  const restarted = await context.labs.labOf(run);
  if (!restarted) throw new AppError("environment_missing", "This lab's environment has expired. Start it again.");
  const progress = await context.db.listStepProgress(run.id);
  const prepared = await prepareRestartedHost(restarted, hostName, { stepsShown: progress.map((p) => p.stepIndex) });
  for (const { step, result } of prepared.setups) {
    if (result.exitCode !== 0) {
      context.logger.warn({ run: run.id, host: hostName, step, exitCode: result.exitCode }, "a setup failed again");
    }
  }
  await context.db.recordEvent({ type: "host.restarted", runId: run.id, learnerId, data: { host: hostName } });
  return toRunView(run, scenario, progress, {
    hostStates: hostStateViews(context, environmentId),
    savingAllowed: await savingAllowed(context, run),
  });
}
