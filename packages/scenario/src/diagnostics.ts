// Constructors for diagnostics, so every loader reports problems the same way: a code, a message,
// where it is (file relative to the scenario folder, 1-based line and column) and how to fix it.
import type { Diagnostic, Scenario } from "./model";

export interface Location {
  file: string;
  line?: number;
  column?: number;
}

export function error(code: string, message: string, at: Location, fix?: string): Diagnostic {
  return { severity: "error", code, message, fix, file: at.file, line: at.line ?? 1, column: at.column ?? 1 };
}

export function warning(code: string, message: string, at: Location, fix?: string): Diagnostic {
  return { severity: "warning", code, message, fix, file: at.file, line: at.line ?? 1, column: at.column ?? 1 };
}

/** What a loader returns: the scenario when it could be built (possibly with warnings), and every diagnostic. */
export interface LoadOutcome {
  scenario?: Scenario;
  diagnostics: Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
