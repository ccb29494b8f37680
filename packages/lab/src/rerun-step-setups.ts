// After the hosts were recreated from a checkpoint (rewind, resume): the files are as they were, but
// what the setups started is not running, so the setups of the given steps run again, in order.
import type { CommandResult } from "@circus/sandbox";
import type { Lab } from "./lab";
import { runScript } from "./run-script";
import { markSetupDone } from "./show-step";

/** Runs the background setup of each step in `steps` (ascending); a failed one is reported, not thrown. */
export async function rerunStepSetups(
  lab: Lab,
  steps: Iterable<number>,
  options: { signal?: AbortSignal } = {},
): Promise<{ step: number; result: CommandResult }[]> {
  const results: { step: number; result: CommandResult }[] = [];
  for (const index of [...new Set(steps)].sort((a, b) => a - b)) {
    const setup = lab.scenario.steps[index]?.setup;
    if (!setup) continue;
    results.push({ step: index, result: await runScript(lab, setup, { signal: options.signal }) });
    markSetupDone(lab, index);
  }
  return results;
}
