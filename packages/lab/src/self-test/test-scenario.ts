// The scenario self-test (like `instruqt track test`): start a fresh environment, test every step in
// order (see test-step.ts) and always destroy the environment, on failure and on abort too.
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { SandboxRuntime } from "@circus/sandbox";
import { loadScenario, type Scenario } from "@circus/scenario";
import { type Logger, pino } from "pino";
import type { Lab } from "../lab";
import { startLab } from "../start-lab";
import { capOutput, type ScenarioTestReport, type StepTestResult } from "./self-test-report";
import { testStep } from "./test-step";

export type SelfTestEvent =
  | { type: "scenario-started"; path: string; title: string }
  | { type: "environment-ready"; path: string; environmentId: string }
  | { type: "step-finished"; path: string; step: StepTestResult }
  | { type: "scenario-finished"; report: ScenarioTestReport };

export interface TestScenarioOptions {
  runtime: SandboxRuntime;
  scenarioDir: string;
  /** The scenario, when the caller has loaded (and validated) it already. Default: loaded from scenarioDir. */
  scenario?: Scenario;
  signal?: AbortSignal;
  onProgress?: (event: SelfTestEvent) => void;
  /** Lifetime of the test environment, a backstop if this process dies. Default 3600. */
  ttlSeconds?: number;
  /** Extra labels on the test environment. Default none. */
  labels?: Record<string, string>;
  /** Default: silent. */
  logger?: Logger;
  /** Where failing steps' recordings go (`<dir>/<scenario id>/step-NN.cast`). Default: not kept. */
  recordingsDir?: string;
}

const DEFAULT_TTL_SECONDS = 3600;

export async function testScenario(options: TestScenarioOptions): Promise<ScenarioTestReport> {
  const { runtime, scenarioDir, signal, onProgress } = options;
  const logger = options.logger ?? pino({ level: "silent" });
  const started = performance.now();
  const finish = (report: Omit<ScenarioTestReport, "durationMs" | "passed">): ScenarioTestReport => {
    const passed = !report.error && !report.aborted && report.steps.every((step) => step.status !== "fail");
    const full = { ...report, passed, durationMs: Math.round(performance.now() - started) };
    onProgress?.({ type: "scenario-finished", report: full });
    return full;
  };

  const scenario = options.scenario ?? (await loadValid(scenarioDir));
  if (typeof scenario === "string") {
    return finish({ path: scenarioDir, title: basename(scenarioDir), error: scenario, aborted: false, steps: [] });
  }
  const base = { path: scenarioDir, title: scenario.title };
  onProgress?.({ type: "scenario-started", ...base });
  const skipAll = (from: number, detail: string) => skippedSteps(scenario, from, detail);

  let lab: Lab | undefined;
  try {
    try {
      lab = await startLab({
        runtime,
        scenario,
        scenarioDir,
        owner: "circus-test",
        ttlSeconds: options.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        idleTimeoutSeconds: options.ttlSeconds ?? DEFAULT_TTL_SECONDS,
        ...(options.labels ? { labels: options.labels } : {}),
        ...(signal ? { signal } : {}),
        logger,
      });
    } catch (error) {
      if (signal?.aborted) return finish({ ...base, aborted: true, steps: skipAll(0, "aborted") });
      return finish({
        ...base,
        error: `the environment did not start: ${messageOf(error)}`,
        aborted: false,
        steps: skipAll(0, "the environment did not start"),
      });
    }
    onProgress?.({ type: "environment-ready", path: scenarioDir, environmentId: lab.environment.id });
    if (lab.introSetup && lab.introSetup.exitCode !== 0) {
      const output = capOutput(lab.introSetup.stdout + lab.introSetup.stderr);
      return finish({
        ...base,
        error: `the intro's setup exited with ${lab.introSetup.exitCode}: ${output}`,
        aborted: false,
        steps: skipAll(0, "the intro's setup failed"),
      });
    }

    const steps: StepTestResult[] = [];
    for (let index = 0; index < scenario.steps.length; index++) {
      let result: StepTestResult;
      try {
        result = await testStep(lab, index, {
          ...(signal ? { signal } : {}),
          ...(options.recordingsDir ? { recordingsDir: join(options.recordingsDir, scenario.id) } : {}),
        });
      } catch (error) {
        if (signal?.aborted) {
          steps.push(...skipAll(index, "aborted"));
          return finish({ ...base, aborted: true, steps });
        }
        result = {
          index,
          title: scenario.steps[index]!.title,
          status: "fail",
          detail: "error",
          reason: messageOf(error),
          durationMs: 0,
        };
      }
      steps.push(result);
      onProgress?.({ type: "step-finished", path: scenarioDir, step: result });
      if (result.status === "fail") {
        steps.push(...skipAll(index + 1, "an earlier step failed"));
        break;
      }
    }
    return finish({ ...base, aborted: false, steps });
  } finally {
    if (lab) {
      const environmentId = lab.environment.id;
      await runtime.destroy(environmentId).catch((error: unknown) => {
        logger.error({ environment: environmentId, err: error }, "could not destroy the test environment");
      });
    }
  }
}

/** The scenario, or a message naming its first errors. */
async function loadValid(scenarioDir: string): Promise<Scenario | string> {
  const loaded = await loadScenario(scenarioDir);
  if (loaded.scenario) return loaded.scenario;
  const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  const listed = errors.slice(0, 3).map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
  return `the scenario is invalid: ${listed.join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}`;
}

function skippedSteps(scenario: Scenario, from: number, detail: string): StepTestResult[] {
  return scenario.steps.slice(from).map((step, offset) => ({
    index: from + offset,
    title: step.title,
    status: "skip",
    detail,
    durationMs: 0,
  }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
