// Runs one of a scenario's scripts (setup, verify, solve) in the lab: `bash -c <script>` on the
// script's host, with the script's timeout, counted as activity so the environment does not idle out.
import type { CommandResult } from "@circus/sandbox";
import type { Script } from "@circus/scenario";
import { hostOf, type Lab } from "./lab";

/** Output kept of stdout and, separately, stderr of a scenario script. */
const MAX_SCRIPT_OUTPUT_BYTES = 64 * 1024;

export function runScript(
  lab: Lab,
  script: Pick<Script, "script" | "host" | "timeoutSeconds">,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<CommandResult> {
  return lab.runtime.environment(lab.environment.id).commands.run(hostOf(lab, script), {
    script: script.script,
    timeoutMs: script.timeoutSeconds * 1000,
    maxOutputBytes: MAX_SCRIPT_OUTPUT_BYTES,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
