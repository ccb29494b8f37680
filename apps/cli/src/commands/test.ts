// `circus test <dir>...`: validates the scenarios, then self-tests each in a fresh sandbox (setup,
// check fails, solve, check passes, quizzes), prints a line per step as it finishes and a table.
import { randomBytes } from "node:crypto";
import { join, relative } from "node:path";
import { type ScenarioTestReport, type SelfTestEvent, type StepTestResult, testScenarios } from "@circus/lab";
import { createSandboxRuntime } from "@circus/sandbox";
import { loadScenario, type Scenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { CliIo } from "../cli-io";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { readCliConfig } from "../config";
import { type TerminalStyle, terminalStyle } from "../terminal-style";
import { collectScenarioFolders } from "../validation/collect-scenario-folders";
import { formatValidationReport } from "../validation/format-report";
import { buildValidationReport } from "../validation/validation-report";

const TestArgsSchema = z.object({
  json: z.boolean(),
  concurrency: z.coerce
    .number({ error: "--concurrency takes a number" })
    .int("--concurrency takes a whole number")
    .min(1, "--concurrency is at least 1")
    .max(16, "--concurrency is at most 16"),
  positionals: z
    .array(z.string().min(1))
    .min(1, "name at least one scenario folder (or a folder of scenarios), e.g. `circus test scenarios/`"),
});

/** The label that scopes one `circus test` run: its runtime adopts or removes nothing else on the engine. */
const RUN_LABEL = "circus.cli-test";

export const testCommand: Command = {
  name: "test",
  summary: "self-test scenarios in real sandboxes: each check must fail before its solve and pass after it",
  usage: [
    "circus test <dir>... [--concurrency N] [--json]",
    "",
    "  <dir>              a scenario folder or a folder of scenario folders",
    "  --concurrency N    scenarios tested at once (default 2)",
    "  --json             print one JSON object: { scenarios: [{ path, title, passed, steps }], summary }",
    "",
    "Each step: its setup runs, its verify must fail, its solve runs, its verify must pass; quizzes are",
    "graded with their right answer (must pass) and a wrong one (must fail). KataCoda steps without a",
    "solve script are solved with the commands on their page. Invalid scenarios fail without a sandbox.",
    "Exits 1 when any scenario fails. Ctrl-C stops the run and removes its sandboxes.",
  ].join("\n"),

  async run(args, io) {
    const { json, concurrency, positionals } = parseCommandLine(args, {
      options: { concurrency: { type: "string", default: "2" } },
      schema: TestArgsSchema,
    });
    const config = readCliConfig();
    const style = terminalStyle(io.color);
    const { folders, unmatched } = await collectScenarioFolders(positionals, io.cwd);
    if (unmatched.length > 0) {
      const list = unmatched.map(({ argument, reason }) => `${argument} (${reason})`).join(", ");
      throw new CliError(
        "no-scenarios",
        `no scenario found in: ${list}`,
        "name folders that hold a scenario.md or an index.json",
      );
    }

    // Validate everything before any sandbox starts; invalid scenarios fail without one.
    const loaded = await Promise.all(folders.map((folder) => loadScenario(folder)));
    const valid = new Map<string, Scenario>();
    for (const outcome of loaded) if (outcome.scenario) valid.set(outcome.path, outcome.scenario);
    const invalid = buildValidationReport(
      loaded.filter((outcome) => !outcome.scenario),
      io.cwd,
    );
    if (!json && invalid.scenarios.length > 0) io.stderr(formatValidationReport(invalid, style));
    const invalidReports = loaded
      .filter((outcome) => !outcome.scenario)
      .map((outcome, index) => invalidReport(invalid.scenarios[index]!, outcome.path));

    const abort = new AbortController();
    const onSignal = () => {
      io.stderr("\ncircus test: interrupted; removing the test sandboxes (press Ctrl-C again to quit at once)\n");
      abort.abort();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const runtime = await createSandboxRuntime({
      labels: { ...config.runtimeLabels, [RUN_LABEL]: randomBytes(6).toString("hex") },
      logLevel: config.debug ? "debug" : "silent",
    });
    let tested: ScenarioTestReport[];
    try {
      tested = await testScenarios([...valid.keys()], {
        runtime,
        concurrency,
        scenarios: valid,
        signal: abort.signal,
        recordingsDir: join(io.cwd, ".circus", "test-recordings"),
        onProgress: (event) => io.stderr(progressLine(event, io, style, process.stderr.isTTY === true)),
      });
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      // testScenario destroys its own environment; this catches any a crash might have left.
      await Promise.all(runtime.list().map((environment) => runtime.destroy(environment.id)));
      runtime.dispose();
    }

    const byPath = new Map([...tested, ...invalidReports].map((report) => [report.path, report]));
    const reports = folders.map((folder) => byPath.get(folder)!);
    const passed = reports.filter((report) => report.passed).length;
    const unsolved = reports.reduce(
      (count, report) => count + report.steps.filter((step) => step.status === "no-solution").length,
      0,
    );
    const summary = { scenarios: reports.length, passed, failed: reports.length - passed, unsolvedSteps: unsolved };
    if (json) {
      const scenarios = reports.map((report) => ({ ...report, path: displayPath(io, report.path) }));
      io.stdout(`${JSON.stringify({ scenarios, summary }, null, 2)}\n`);
    } else {
      io.stdout(`${reports.map((report) => formatScenarioTable(report, io, style)).join("\n\n")}\n\n`);
      const failed = `${summary.failed} failed`;
      const unsolvedNote =
        unsolved > 0
          ? `; ${style.yellow(`${unsolved} step${unsolved === 1 ? "" : "s"} with no solution to test with`)}`
          : "";
      io.stdout(
        `${summary.scenarios} scenarios: ${style.green(`${passed} passed`)}, ${summary.failed > 0 ? style.red(failed) : failed}${unsolvedNote}\n`,
      );
    }
    return summary.failed > 0 || abort.signal.aborted ? ExitCode.failure : ExitCode.ok;
  },
};

function invalidReport(
  validation: { title: string | null; errors: { message: string }[] },
  path: string,
): ScenarioTestReport {
  const first = validation.errors[0]?.message ?? "it could not be loaded";
  return {
    path,
    title: validation.title ?? "",
    passed: false,
    error: `invalid scenario (${validation.errors.length} errors; first: ${first}): not tested`,
    aborted: false,
    durationMs: 0,
    steps: [],
  };
}

/** One line per event; on a terminal with marks and colour, elsewhere with plain words for CI logs. */
function progressLine(event: SelfTestEvent, io: CliIo, style: TerminalStyle, tty: boolean): string {
  switch (event.type) {
    case "scenario-started":
      return `${tty ? style.dim("▶") : "START"} ${displayPath(io, event.path)} (${event.title})\n`;
    case "environment-ready":
      return "";
    case "step-finished":
      return `${statusWord(event.step.status, style, tty)} ${displayPath(io, event.path)} › ${stepLabel(event.step)} ${style.dim(`(${seconds(event.step.durationMs)})`)}${event.step.reason ? ` ${event.step.reason}` : ""}\n`;
    case "scenario-finished": {
      const { report } = event;
      const outcome = report.aborted ? "aborted" : report.passed ? "passed" : "failed";
      return `${tty ? style.dim("■") : "END  "} ${displayPath(io, report.path)} ${outcome} in ${seconds(report.durationMs)}${report.error ? `: ${report.error}` : ""}\n`;
    }
  }
}

function formatScenarioTable(report: ScenarioTestReport, io: CliIo, style: TerminalStyle): string {
  const verdict = report.aborted ? style.yellow("ABORTED") : report.passed ? style.green("PASS") : style.red("FAIL");
  const lines = [
    `${style.bold(displayPath(io, report.path))} ${report.title ? `"${report.title}" ` : ""}${verdict} ${style.dim(seconds(report.durationMs))}`,
  ];
  if (report.error) lines.push(`  ${style.red(report.error)}`);
  const rows = report.steps.map((step) => [
    stepLabel(step),
    step.status === "no-solution" ? "NO SOLUTION" : step.status.toUpperCase(),
    seconds(step.durationMs),
    step.reason ?? step.detail,
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[["Step", "Result", "Time"], ...rows].map((row) => row[column]!.length)),
  );
  if (rows.length > 0)
    lines.push(`  ${["Step", "Result", "Time"].map((head, i) => head.padEnd(widths[i]!)).join("  ")}  Details`);
  for (const [index, row] of rows.entries()) {
    const [label, result, time, details] = row as [string, string, string, string];
    const coloured = colourStatus(report.steps[index]!.status, result.padEnd(widths[1]!), style);
    lines.push(`  ${label.padEnd(widths[0]!)}  ${coloured}  ${time.padEnd(widths[2]!)}  ${details}`);
    const recording = report.steps[index]!.recording;
    if (recording) lines.push(`      ${style.dim("recording:")} ${displayPath(io, recording)} (asciinema play <file>)`);
    const output = report.steps[index]!.output?.trimEnd();
    if (output)
      lines.push(
        ...output
          .split("\n")
          .slice(-10)
          .map((line) => `      ${style.dim("│")} ${line}`),
      );
  }
  return lines.join("\n");
}

function statusWord(status: StepTestResult["status"], style: TerminalStyle, tty: boolean): string {
  const word = tty
    ? { pass: "✓", fail: "✗", skip: "–", "no-solution": "?" }[status]
    : (status === "no-solution" ? "NOSOL" : status.toUpperCase()).padEnd(5);
  return colourStatus(status, word, style);
}

function colourStatus(status: StepTestResult["status"], text: string, style: TerminalStyle): string {
  return status === "pass" ? style.green(text) : status === "fail" ? style.red(text) : style.yellow(text);
}

function stepLabel(step: StepTestResult): string {
  return `${step.index + 1}. ${step.title}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function displayPath(io: CliIo, path: string): string {
  return relative(io.cwd, path) || ".";
}
