// After a host of a lab was restarted from its image (it died, ran out of memory, the engine restarted):
// copy that host's assets again and re-run, in order, the setups that had run on it (the intro's and
// those of the steps already shown), so the learner finds the host as the scenario prepared it.
import type { CommandResult } from "@circus/sandbox";
import { copyAssets } from "./copy-assets";
import { hostOf, type Lab } from "./lab";
import { runScript } from "./run-script";
import { markSetupDone } from "./show-step";

export interface PreparedHost {
  /** Setups that ran again, with their results (a failed one is reported, not thrown). */
  setups: { step: number | "intro"; result: CommandResult }[];
}

/** `lab` must be attached to the environment as it is after the restart (its new container). */
export async function prepareRestartedHost(
  lab: Lab,
  hostName: string,
  options: { stepsShown: Iterable<number>; signal?: AbortSignal },
): Promise<PreparedHost> {
  await copyAssets(lab, { onlyHost: hostName });
  const setups: PreparedHost["setups"] = [];
  const intro = lab.scenario.intro.setup;
  if (intro && hostOf(lab, intro) === hostName) {
    setups.push({ step: "intro", result: await runScript(lab, intro, { signal: options.signal }) });
  }
  for (const index of [...new Set(options.stepsShown)].sort((a, b) => a - b)) {
    const setup = lab.scenario.steps[index]?.setup;
    if (!setup || hostOf(lab, setup) !== hostName) continue;
    setups.push({ step: index, result: await runScript(lab, setup, { signal: options.signal }) });
    markSetupDone(lab, index);
  }
  return { setups };
}
