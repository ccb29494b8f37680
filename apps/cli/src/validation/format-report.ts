// The human form of a validation report: a header per scenario, each diagnostic as
// `file:line:column: severity [code] message` (the form editors and CI annotate) and a summary line.
import type { TerminalStyle } from "../terminal-style";
import type { ReportedDiagnostic, ScenarioReport, ValidationReport, ValidationSummary } from "./validation-report";

export function formatValidationReport(report: ValidationReport, style: TerminalStyle): string {
  const blocks = report.scenarios.map((scenario) => formatScenario(scenario, style));
  return `${[...blocks, formatSummary(report.summary, style)].join("\n\n")}\n`;
}

/** Exactly `N scenarios: X valid, Y invalid, Z warnings` (plus colour). */
export function formatSummary(summary: ValidationSummary, style: TerminalStyle): string {
  const invalid = `${summary.invalid} invalid`;
  const warnings = `${summary.warnings} warnings`;
  return [
    `${summary.scenarios} scenarios: `,
    style.green(`${summary.valid} valid`),
    ", ",
    summary.invalid > 0 ? style.red(invalid) : invalid,
    ", ",
    summary.warnings > 0 ? style.yellow(warnings) : warnings,
  ].join("");
}

function formatScenario(scenario: ScenarioReport, style: TerminalStyle): string {
  const lines = [formatHeader(scenario, style)];
  const diagnostics = [...scenario.errors, ...scenario.warnings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
  for (const diagnostic of diagnostics) lines.push(...formatDiagnostic(diagnostic, style));
  return lines.join("\n");
}

function formatHeader(scenario: ScenarioReport, style: TerminalStyle): string {
  const valid = scenario.errors.length === 0;
  const status = valid ? style.green("valid") : style.red(`invalid (${count(scenario.errors.length, "error")})`);
  const title = scenario.title === null ? "" : `, "${scenario.title}", ${count(scenario.steps, "step")}`;
  return `${style.bold(scenario.path)} (${scenario.format}${title}): ${status}`;
}

function formatDiagnostic(diagnostic: ReportedDiagnostic, style: TerminalStyle): string[] {
  const severity = diagnostic.severity === "error" ? style.red("error") : style.yellow("warning");
  const location = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  const lines = [`${location}: ${severity} ${style.dim(`[${diagnostic.code}]`)} ${diagnostic.message}`];
  if (diagnostic.fix) lines.push(`  fix: ${diagnostic.fix}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
