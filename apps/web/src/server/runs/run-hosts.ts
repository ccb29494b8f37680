// The hosts of a learner's run as the player shows them (running, or stopped with why), and restarting
// one: a new container from the host's image, its assets copied and its setups run again.
import { prepareRestartedHost } from "@circus/lab";
import type { HostState } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { requireReadyLab } from "./run-access";
import type { HostStateView, RunView } from "./run-view";
import { toRunView } from "./run-view";

/** What the player shows of each host; undefined when the run has no live environment. */
export function hostStateViews(context: ServerContext, environmentId: string | null): HostStateView[] | undefined {
  if (!environmentId || !context.runtime.get(environmentId)) return undefined;
  return context.runtime.hostStates(environmentId).map(toHostStateView);
}

export function toHostStateView(state: HostState): HostStateView {
  if (state.state === "running") return { name: state.name, state: "running" };
  return { name: state.name, state: "stopped", message: stoppedMessage(state) };
}

function stoppedMessage(state: HostState): string {
  if (state.diskQuotaMiB !== undefined) {
    return `Host ${state.name} was stopped because it wrote more than its disk quota of ${state.diskQuotaMiB} MiB. Restart it to go on (its files start fresh).`;
  }
  if (state.oomKilled) {
    return `Host ${state.name} was stopped because it used more memory than it is given. Restart it to go on.`;
  }
  if (state.exitCode === -1) return `Host ${state.name} is gone. Restart it to go on.`;
  return `Host ${state.name} stopped (exit code ${state.exitCode}). Restart it to go on.`;
}

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
  return toRunView(run, scenario, progress, hostStateViews(context, environmentId));
}
