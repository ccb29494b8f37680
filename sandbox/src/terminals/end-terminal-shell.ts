// Ends a terminal's shell inside its container. Closing the attach stream does not end an exec'd
// process and ExecInspect's Pid is a host pid, so the shell is found by a marker in its environment.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { drainWithin, SANDBOX_HELPER_DEADLINE_MS } from "../commands/sandbox-deadline";

/**
 * Finds the processes that carry the marker and either have their parent outside the container (parent pid
 * 0: the exec'd process) or lead a session (the shell `script` started on its PTY, for terminal pipes), not
 * what they started; hangs them up like a closed terminal window (bash passes SIGHUP on to its jobs; nohup'd
 * ones survive), and kills what is left after 2 s.
 */
const END_SHELL_SCRIPT = `
marker="$1"
shells=""
for dir in /proc/[0-9]*; do
  tr '\\0' '\\n' < "$dir/environ" 2>/dev/null | grep -qx "$marker" || continue
  stat=$(cat "$dir/stat" 2>/dev/null) || continue
  set -- \${stat##*) }
  pid=\${dir#/proc/}
  [ "$2" = 0 ] || [ "$4" = "$pid" ] && shells="$shells $pid"
done
[ -z "$shells" ] && exit 0
kill -HUP $shells 2>/dev/null
attempt=0
while [ $attempt -lt 20 ]; do
  alive=""
  for pid in $shells; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    set -- \${stat##*) }
    [ "$1" != Z ] && alive="$alive $pid"
  done
  [ -z "$alive" ] && exit 0
  sleep 0.1
  attempt=$((attempt + 1))
done
kill -KILL $alive 2>/dev/null
exit 0
`;

/**
 * Ends the shell started with `marker` (a `NAME=value` environment entry) and waits until it is gone, for
 * at most SANDBOX_HELPER_DEADLINE_MS (the learner may have broken `sh`); false when that deadline passed.
 */
export async function endTerminalShell(
  docker: Dockerode,
  containerId: string,
  marker: string,
  logger: Logger,
): Promise<boolean> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ["sh", "-c", END_SHELL_SCRIPT, "circus-end-terminal", marker],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  // Drained only so the exec runs to completion; the script prints nothing of interest.
  if (!(await drainWithin(stream, SANDBOX_HELPER_DEADLINE_MS))) {
    logger.warn(
      { containerId, deadlineMs: SANDBOX_HELPER_DEADLINE_MS },
      "ending a terminal shell did not finish in time",
    );
    return false;
  }
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) logger.warn({ containerId, exitCode: ExitCode }, "ending a terminal shell exited non-zero");
  return true;
}
