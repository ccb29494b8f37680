// The hosts of a live run as the player shows them: running, or stopped on their own with why (disk quota,
// memory, gone, exit code). Read from the runtime's memory, never from the engine; light enough for pages.
import type { HostState } from "@circus/sandbox";
import type { ServerContext } from "../context";
import type { HostStateView } from "./run-view";

/** What the player shows of each host; undefined when the run has no live environment. */
export function hostStateViews(context: ServerContext, environmentId: string | null): HostStateView[] | undefined {
  if (!environmentId || !context.runtime.get(environmentId)) return undefined;
  return context.runtime.hostStates(environmentId).map(toHostStateView);
}

export function toHostStateView(state: HostState): HostStateView {
  if (state.state === "running") return { name: state.name, state: "running" };
  return { name: state.name, state: "stopped", message: stoppedMessage(state), cause: causeOf(state) };
}

function causeOf(state: HostState): NonNullable<HostStateView["cause"]> {
  if (state.nodeLost !== undefined) return "node_lost";
  if (state.diskQuotaMiB !== undefined) return "disk_quota";
  if (state.oomKilled) return "memory";
  return state.exitCode === -1 ? "gone" : "exited";
}

function stoppedMessage(state: HostState): string {
  if (state.nodeLost !== undefined) {
    return `The machine that ran host ${state.name} went away. Restart it to go on on another machine (its files start fresh, the steps you reached are set up again).`;
  }
  if (state.diskQuotaMiB !== undefined) {
    return `Host ${state.name} was stopped because it wrote more than its disk quota of ${state.diskQuotaMiB} MiB. Restart it to go on (its files start fresh).`;
  }
  if (state.oomKilled) {
    return `Host ${state.name} was stopped because it used more memory than it is given. Restart it to go on.`;
  }
  if (state.exitCode === -1) return `Host ${state.name} is gone. Restart it to go on.`;
  return `Host ${state.name} stopped (exit code ${state.exitCode}). Restart it to go on.`;
}
