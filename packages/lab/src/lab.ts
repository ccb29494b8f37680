// What a lab is: a scenario running in one sandbox environment, plus where its files came from.
// Every operation of this package (showStep, runCheck, runSolve...) takes a Lab.
import type { CommandResult, Environment, SandboxRuntime } from "@circus/sandbox";
import type { Scenario, Script, Step } from "@circus/scenario";
import { StepNotFoundError } from "./lab-errors";

export interface Lab {
  readonly runtime: SandboxRuntime;
  /** The environment as it was when the lab started or was attached (a snapshot). */
  readonly environment: Environment;
  readonly scenario: Scenario;
  /** The scenario's folder (assets are read from `<scenarioDir>/assets/`). */
  readonly scenarioDir: string;
  /** The intro's background setup, when startLab ran one. */
  readonly introSetup?: CommandResult;
}

/** The step at `stepIndex`, or StepNotFoundError. */
export function stepOf(lab: Lab, stepIndex: number): Step {
  const step = Number.isInteger(stepIndex) ? lab.scenario.steps[stepIndex] : undefined;
  if (!step) throw new StepNotFoundError(stepIndex, lab.scenario.steps.length);
  return step;
}

/** The host a script runs on: its own, else the scenario's first host. */
export function hostOf(lab: Lab, script: Pick<Script, "host">): string {
  return script.host ?? lab.scenario.hosts[0]?.name ?? "";
}
