// The load test's result: one row per ramp step, the verdict against the service levels, and what to
// configure for the number held. Plain data (printed as JSON with --json) and its text table.
import type { TerminalStyle } from "../terminal-style";
import { percentile, type StepMeasures } from "./load-measures";
import { engineCpuBetween, type ResourceSample } from "./resource-sampler";
import type { StopErrors } from "./stop-errors";

/** The service levels a step must meet to count as held. */
export const SERVICE_LEVELS = { echoP99Ms: 50, checkP95Ms: 2_000, startToPromptP95Ms: 5_000 } as const;

export interface StepReport {
  learners: number;
  /** Seconds the step lasted (its arrivals included). */
  seconds: number;
  starts: number;
  startToPromptP50Ms: number | null;
  startToPromptP95Ms: number | null;
  keystrokes: number;
  echoP50Ms: number | null;
  echoP99Ms: number | null;
  checks: number;
  checkP50Ms: number | null;
  checkP95Ms: number | null;
  reloads: number;
  saves: number;
  errors: Record<string, number>;
  errorCount: number;
  /** Server CPU (fraction of one core, averaged over the step) and memory at its end; null if not measured. */
  serverCpuCores: number | null;
  serverMemoryMiB: number | null;
  /** Sandboxes, their shims and the engine daemons, when the server is on this machine. */
  engineCpuCores: number | null;
  engineMemoryMiB: number | null;
  /** Server CPU milliseconds per learner-second of activity. */
  serverCpuMsPerLearnerSecond: number | null;
  /** (Server + engine) memory at the step's end divided by its learners. */
  memoryMiBPerLearner: number | null;
  /** The load generator's own CPU (fraction of one core) and its event loop's delay p99 during the step. */
  generatorCpuCores: number | null;
  generatorLagP99Ms: number | null;
  /** The server's event-loop delay p99 over the step (the larger of its arrival and steady parts). */
  serverLagP99Ms: number | null;
  /**
   * The same figures for the step's steady part only: from when every learner of the step had arrived and
   * started until its end (no container being created for it), to tell the ramp's cost from the steady state's.
   * Null when the step ended before that.
   */
  steady: SteadyReport | null;
  /** The machine's 1-minute load average at the step's end (figures taken beside other work are not comparable). */
  loadAverage: number | null;
  /** Whether the step met every service level. */
  held: boolean;
  /** The service levels it missed, in words. */
  missed: string[];
}

export interface SteadyReport {
  seconds: number;
  keystrokes: number;
  echoP50Ms: number | null;
  echoP99Ms: number | null;
  serverCpuCores: number | null;
  engineCpuCores: number | null;
  serverLagP99Ms: number | null;
  generatorLagP99Ms: number | null;
}

/** Where a step's steady part began: the samples taken then and the generator's delay up to then. */
export interface SteadyMark {
  at: ResourceSample;
  echoCount: number;
  arrivalGeneratorLagP99Ms: number;
}

export interface LoadReport {
  target: string;
  scenario: string;
  steps: StepReport[];
  /** The largest step within the service levels (0 when none was). */
  learnersHeld: number;
  /** Settings for `learnersHeld` (or, when none held, for the smallest step). */
  advice: Record<string, string>;
  /** Runs left running because stopping them failed (should be none). */
  runsLeft: number;
  /** The stops of the final clean-up that failed, by kind, with the first message (should be none). */
  stopErrors: StopErrors;
  /** Worker threads the learners ran in (0: the main thread). */
  threads: number;
  interrupted: boolean;
}

export function reportStep(
  measures: StepMeasures,
  seconds: number,
  before: ResourceSample,
  after: ResourceSample,
  generator?: { cpuSeconds: number; lagP99Ms: number; loadAverage: number },
  steadyMark?: SteadyMark,
): StepReport {
  const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : null);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const delta = (a?: number, b?: number) => (a === undefined || b === undefined ? null : b - a);
  const serverCpu = delta(before.serverCpuSeconds, after.serverCpuSeconds);
  const engineCpu = engineCpuBetween(before, after) ?? null;
  const totalMemory = after.serverMemoryMiB === undefined ? null : after.serverMemoryMiB + (after.engineMemoryMiB ?? 0);
  const step: StepReport = {
    learners: measures.learners,
    seconds: Math.round(seconds),
    starts: measures.startToPrompt.count,
    startToPromptP50Ms: round(measures.startToPrompt.p(50)),
    startToPromptP95Ms: round(measures.startToPrompt.p(95)),
    keystrokes: measures.echo.count,
    echoP50Ms: round(measures.echo.p(50)),
    echoP99Ms: round(measures.echo.p(99)),
    checks: measures.check.count,
    checkP50Ms: round(measures.check.p(50)),
    checkP95Ms: round(measures.check.p(95)),
    reloads: measures.reloads,
    saves: measures.saves,
    errors: Object.fromEntries(measures.errors),
    errorCount: measures.errorCount,
    serverCpuCores: serverCpu === null ? null : round2(serverCpu / seconds),
    serverMemoryMiB: after.serverMemoryMiB === undefined ? null : round(after.serverMemoryMiB),
    engineCpuCores: engineCpu === null ? null : round2(engineCpu / seconds),
    engineMemoryMiB: after.engineMemoryMiB === undefined ? null : round(after.engineMemoryMiB),
    serverCpuMsPerLearnerSecond: serverCpu === null ? null : round((serverCpu * 1000) / (measures.learners * seconds)),
    memoryMiBPerLearner: totalMemory === null ? null : round(totalMemory / measures.learners),
    generatorCpuCores: generator ? round2(generator.cpuSeconds / seconds) : null,
    generatorLagP99Ms: generator
      ? round(Math.max(generator.lagP99Ms, steadyMark?.arrivalGeneratorLagP99Ms ?? Number.NEGATIVE_INFINITY))
      : null,
    serverLagP99Ms: round(
      Math.max(after.serverLagP99Ms ?? Number.NaN, steadyMark?.at.serverLagP99Ms ?? Number.NEGATIVE_INFINITY),
    ),
    steady: steadyMark ? reportSteady(measures, steadyMark, after, generator?.lagP99Ms) : null,
    loadAverage: generator ? round2(generator.loadAverage) : null,
    held: false,
    missed: [],
  };
  step.missed = missedLevels(step);
  step.held = step.missed.length === 0;
  return step;
}

function reportSteady(
  measures: StepMeasures,
  mark: SteadyMark,
  after: ResourceSample,
  generatorLagP99Ms: number | undefined,
): SteadyReport | null {
  const echoes = measures.echo.after(mark.echoCount);
  const seconds = (after.at - mark.at.at) / 1000;
  if (!echoes || seconds <= 0) return null;
  const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : null);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const serverCpu =
    mark.at.serverCpuSeconds === undefined || after.serverCpuSeconds === undefined
      ? null
      : after.serverCpuSeconds - mark.at.serverCpuSeconds;
  const engineCpu = engineCpuBetween(mark.at, after) ?? null;
  return {
    seconds: Math.round(seconds),
    keystrokes: echoes.length,
    echoP50Ms: round(percentile(echoes, 50)),
    echoP99Ms: round(percentile(echoes, 99)),
    serverCpuCores: serverCpu === null ? null : round2(serverCpu / seconds),
    engineCpuCores: engineCpu === null ? null : round2(engineCpu / seconds),
    serverLagP99Ms: round(after.serverLagP99Ms ?? Number.NaN),
    generatorLagP99Ms: generatorLagP99Ms === undefined ? null : round(generatorLagP99Ms),
  };
}

function missedLevels(step: StepReport): string[] {
  const missed: string[] = [];
  if (step.keystrokes === 0) missed.push("no keystroke was echoed");
  else if ((step.echoP99Ms ?? Infinity) > SERVICE_LEVELS.echoP99Ms)
    missed.push(`echo p99 > ${SERVICE_LEVELS.echoP99Ms} ms`);
  if (step.checks > 0 && (step.checkP95Ms ?? Infinity) > SERVICE_LEVELS.checkP95Ms) {
    missed.push(`Check p95 > ${SERVICE_LEVELS.checkP95Ms} ms`);
  }
  if (step.starts > 0 && (step.startToPromptP95Ms ?? Infinity) > SERVICE_LEVELS.startToPromptP95Ms) {
    missed.push(`start to prompt p95 > ${SERVICE_LEVELS.startToPromptP95Ms} ms`);
  }
  if (step.errorCount > 0) missed.push(`${step.errorCount} errors`);
  return missed;
}

/** The largest held step, counting only steps before the first one that was not held. */
export function learnersHeld(steps: readonly StepReport[]): number {
  let held = 0;
  for (const step of steps) {
    if (!step.held) break;
    held = step.learners;
  }
  return held;
}

/**
 * What to configure for `learners`: environments (the cap counts learner runs), warm environments per
 * scenario (enough for a burst of arrivals while one cold start runs), and the memory to plan.
 */
export function adviceFor(learners: number, step: StepReport | undefined): Record<string, string> {
  if (learners === 0 || !step) return {};
  const arrivalsPerSecond = step.starts / Math.max(1, step.seconds / 3);
  const coldSeconds = (step.startToPromptP50Ms ?? 1_000) / 1_000;
  // A scenario's warm pool grows with its claims up to CIRCUS_WARM_POOL_MAX: enough for the arrivals during one cold start.
  const warm = Math.min(50, Math.max(2, Math.ceil(arrivalsPerSecond * coldSeconds)));
  const advice: Record<string, string> = {
    CIRCUS_MAX_ENVIRONMENTS: String(learners),
    CIRCUS_WARM_POOL_MAX: String(warm),
  };
  if (step.memoryMiBPerLearner !== null) {
    advice.memory = `${Math.ceil((step.memoryMiBPerLearner * learners) / 1024)} GiB for ${learners} learners (${step.memoryMiBPerLearner} MiB each, measured)`;
  }
  return advice;
}

function steadyLine(learners: number, steady: SteadyReport): string {
  const value = (figure: number | null, unit: string) => (figure === null ? "–" : `${figure}${unit}`);
  return (
    `  ${learners}: ${steady.seconds} s, echo p50/p99 ${value(steady.echoP50Ms, "")}/${value(steady.echoP99Ms, " ms")} (${steady.keystrokes}), ` +
    `server ${value(steady.serverCpuCores, " cores")} (event-loop delay p99 ${value(steady.serverLagP99Ms, " ms")}), ` +
    `engine ${value(steady.engineCpuCores, " cores")}, generator event-loop delay p99 ${value(steady.generatorLagP99Ms, " ms")}`
  );
}

export function formatReport(report: LoadReport, style: TerminalStyle): string {
  const ms = (value: number | null) => (value === null ? "–" : `${value}`);
  const header = [
    "learners",
    "start p50/p95 ms",
    "echo p50/p99 ms",
    "Check p50/p95 ms",
    "errors",
    "server CPU/mem",
    "engine CPU/mem",
    "generator CPU/lag p99",
    "load avg",
    "held",
  ];
  const rows = report.steps.map((step) => [
    String(step.learners),
    `${ms(step.startToPromptP50Ms)} / ${ms(step.startToPromptP95Ms)} (${step.starts})`,
    `${ms(step.echoP50Ms)} / ${ms(step.echoP99Ms)} (${step.keystrokes})`,
    `${ms(step.checkP50Ms)} / ${ms(step.checkP95Ms)} (${step.checks})`,
    step.errorCount === 0
      ? "0"
      : Object.entries(step.errors)
          .map(([kind, count]) => `${kind}×${count}`)
          .join(", "),
    step.serverCpuCores === null ? "–" : `${step.serverCpuCores} cores / ${step.serverMemoryMiB} MiB`,
    step.engineCpuCores === null ? "–" : `${step.engineCpuCores} cores / ${step.engineMemoryMiB} MiB`,
    step.generatorCpuCores === null ? "–" : `${step.generatorCpuCores} cores / ${ms(step.generatorLagP99Ms)} ms`,
    step.loadAverage === null ? "–" : String(step.loadAverage),
    step.held ? style.green("yes") : style.red(`no: ${step.missed.join(", ")}`),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => visibleLength(row[column]!))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell + " ".repeat(widths[column]! - visibleLength(cell)))
      .join("  ")
      .trimEnd();
  const lines = [
    `circus loadtest ${report.target} · ${report.scenario}${report.interrupted ? " · interrupted" : ""}`,
    "",
    line(header),
    ...rows.map(line),
    "",
    `Service levels: echo p99 ≤ ${SERVICE_LEVELS.echoP99Ms} ms, Check p95 ≤ ${SERVICE_LEVELS.checkP95Ms} ms, start to prompt p95 ≤ ${SERVICE_LEVELS.startToPromptP95Ms} ms, no errors.`,
    report.learnersHeld > 0
      ? style.bold(`Held: ${report.learnersHeld} learners within the service levels.`)
      : style.bold("Held: no step stayed within the service levels."),
  ];
  const steadyLines = report.steps.flatMap((step) => (step.steady ? [steadyLine(step.learners, step.steady)] : []));
  if (steadyLines.length > 0)
    lines.push("", "Steady part of each step (everyone arrived and started):", ...steadyLines);
  const last = report.steps.at(-1);
  if (last?.serverCpuMsPerLearnerSecond !== null && last !== undefined) {
    lines.push(
      `Per learner at ${last.learners}: server ${last.serverCpuMsPerLearnerSecond} ms CPU per second, ${last.memoryMiBPerLearner ?? "–"} MiB memory (server + engine + sandbox).`,
    );
  }
  if (Object.keys(report.advice).length > 0) {
    lines.push("", `For ${report.learnersHeld} learners set:`);
    for (const [name, value] of Object.entries(report.advice)) lines.push(`  ${name}=${value}`);
  }
  if (report.stopErrors.count > 0) {
    const kinds = Object.entries(report.stopErrors.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ");
    lines.push(style.red(`Clean-up: ${report.stopErrors.count} run stops failed (${kinds}).`));
    if (report.stopErrors.first !== undefined) lines.push(style.red(`  first: ${report.stopErrors.first}`));
  }
  if (report.runsLeft > 0)
    lines.push(style.red(`${report.runsLeft} runs could not be stopped: stop them from the admin page.`));
  return `${lines.join("\n")}\n`;
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colours of the table's cells
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}
