// What `circus validate` reports, as a zod schema: the contract of `--json` output, and the data
// the human output is printed from. Paths are relative to the directory the CLI ran in.
import { relative, resolve } from "node:path";
import { DiagnosticSchema, type LoadedScenario, ScenarioFormatSchema } from "@circus/scenario";
import { z } from "zod";

/** A diagnostic whose `file` is relative to the current directory (not to the scenario folder). */
export const ReportedDiagnosticSchema = DiagnosticSchema;
export type ReportedDiagnostic = z.infer<typeof ReportedDiagnosticSchema>;

export const ScenarioReportSchema = z.strictObject({
  /** The scenario folder, relative to the current directory ("." for the directory itself). */
  path: z.string().min(1),
  format: z.union([ScenarioFormatSchema, z.literal("unknown")]),
  /** Null when the scenario has errors and could not be built. */
  title: z.string().nullable(),
  /** Number of steps; 0 when the scenario could not be built. */
  steps: z.number().int().min(0),
  errors: z.array(ReportedDiagnosticSchema.extend({ severity: z.literal("error") })),
  warnings: z.array(ReportedDiagnosticSchema.extend({ severity: z.literal("warning") })),
});
export type ScenarioReport = z.infer<typeof ScenarioReportSchema>;

export const ValidationSummarySchema = z.strictObject({
  scenarios: z.number().int().min(0),
  valid: z.number().int().min(0),
  invalid: z.number().int().min(0),
  /** Warnings across all scenarios. */
  warnings: z.number().int().min(0),
});
export type ValidationSummary = z.infer<typeof ValidationSummarySchema>;

export const ValidationReportSchema = z.strictObject({
  scenarios: z.array(ScenarioReportSchema),
  summary: ValidationSummarySchema,
});
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

/** Builds the report of loaded scenarios; `cwd` is what paths are made relative to. */
export function buildValidationReport(loaded: readonly LoadedScenario[], cwd: string): ValidationReport {
  const scenarios = loaded.map((outcome) => reportScenario(outcome, cwd));
  const invalid = scenarios.filter((scenario) => scenario.errors.length > 0).length;
  return ValidationReportSchema.parse({
    scenarios,
    summary: {
      scenarios: scenarios.length,
      valid: scenarios.length - invalid,
      invalid,
      warnings: scenarios.reduce((sum, scenario) => sum + scenario.warnings.length, 0),
    },
  });
}

function reportScenario(outcome: LoadedScenario, cwd: string): ScenarioReport {
  const folder = displayPath(cwd, outcome.path);
  const diagnostics = outcome.diagnostics.map((diagnostic) => ({
    ...diagnostic,
    file: displayPath(cwd, outcome.path, diagnostic.file),
  }));
  const errors = diagnostics.filter((d) => d.severity === "error").map((d) => ({ ...d, severity: "error" as const }));
  const warnings = diagnostics
    .filter((d) => d.severity === "warning")
    .map((d) => ({ ...d, severity: "warning" as const }));
  return {
    path: folder,
    format: outcome.format,
    title: outcome.scenario?.title ?? null,
    steps: outcome.scenario?.steps.length ?? 0,
    errors,
    warnings,
  };
}

/** `parts` resolved against `cwd` and made relative to it, "." for `cwd` itself. */
function displayPath(cwd: string, ...parts: string[]): string {
  return relative(cwd, resolve(cwd, ...parts)) || ".";
}
