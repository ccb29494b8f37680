// Killing every process a command started, even ones that left its process group: each command's
// exec carries a unique marker variable, inherited by all its descendants, which we look for in /proc.
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { execExitCode } from "./exec-exit-code";
import { drainWithin, KILL_MARKED_DEADLINE_MS } from "./sandbox-deadline";

const MARKER_NAME = "CIRCUS_COMMAND_ID";
const ATTEMPTS = 20;
const RETRY_DELAY_MS = 250;

// Bash builtins only (no fork per process), so it works even when a fork bomb holds the pids limit.
const KILL_SCRIPT = `
for round in {1..50}; do
  found=
  for dir in /proc/[0-9]*; do
    [[ $dir == "/proc/$$" ]] && continue
    mapfile -d '' -t vars 2>/dev/null < "$dir/environ" || continue
    for entry in "\${vars[@]}"; do
      if [[ $entry == "$1" ]]; then kill -KILL "\${dir#/proc/}" 2>/dev/null; found=1; break; fi
    done
  done
  [[ -z $found ]] && exit 0
done
exit 1
`;

export function markerVariable(commandId: string): string {
  return `${MARKER_NAME}=${commandId}`;
}

/**
 * SIGKILLs every process in the container whose environment holds `marker`, as `user` (the command's
 * user, who may signal its own processes without capabilities). Retries while the container has no
 * pid to spare, for at most KILL_MARKED_DEADLINE_MS in all; returns whether it confirmed none is left.
 */
export async function killMarkedProcesses(
  docker: Dockerode,
  containerId: string,
  marker: string,
  user: string | undefined,
): Promise<boolean> {
  const container = docker.getContainer(containerId);
  const deadline = Date.now() + KILL_MARKED_DEADLINE_MS;
  for (let attempt = 0; attempt < ATTEMPTS && Date.now() < deadline; attempt += 1) {
    try {
      const exec = await container.exec({
        Cmd: ["bash", "-c", KILL_SCRIPT, "circus-kill", marker],
        ...(user ? { User: user } : {}),
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
      if (!(await drainWithin(stream, Math.max(1, deadline - Date.now())))) return false;
      if ((await execExitCode(exec)) === 0) return true;
    } catch {
      // The container may be out of pids, or gone: try again, then give up.
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }
  return false;
}
