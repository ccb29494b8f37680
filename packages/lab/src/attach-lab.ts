// Re-attaching to a running lab after a page reload or a server restart (once the runtime has
// reconciled and adopted the environment).
import type { SandboxRuntime } from "@circus/sandbox";
import type { Scenario } from "@circus/scenario";
import type { Lab } from "./lab";
import { EnvironmentMissingError } from "./lab-errors";
import { markSetupDone } from "./show-step";

export interface AttachLabOptions {
  /** Steps whose background setup already ran (e.g. the steps the database says were shown). Default none. */
  setupDone?: Iterable<number>;
}

export function attachLab(
  runtime: SandboxRuntime,
  scenario: Scenario,
  scenarioDir: string,
  environmentId: string,
  options: AttachLabOptions = {},
): Lab {
  const environment = runtime.get(environmentId);
  if (!environment) throw new EnvironmentMissingError(environmentId);
  const lab: Lab = { runtime, environment, scenario, scenarioDir };
  for (const stepIndex of options.setupDone ?? []) markSetupDone(lab, stepIndex);
  return lab;
}
