import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { terminalStyle } from "../terminal-style";
import { formatSummary, formatValidationReport } from "./format-report";
import type { ValidationReport } from "./validation-report";

const report: ValidationReport = {
  scenarios: [
    { path: "s/good", format: "circus", title: "Good", steps: 2, errors: [], warnings: [] },
    {
      path: "s/bad",
      format: "katacoda",
      title: null,
      steps: 0,
      errors: [
        {
          severity: "error",
          code: "json-invalid",
          message: "index.json is not JSON",
          fix: "fix the comma",
          file: "s/bad/index.json",
          line: 3,
          column: 7,
        },
      ],
      warnings: [
        {
          severity: "warning",
          code: "directive-typo",
          message: "{{exeute}}",
          file: "s/bad/step1.md",
          line: 1,
          column: 2,
        },
      ],
    },
  ],
  summary: { scenarios: 2, valid: 1, invalid: 1, warnings: 1 },
};

describe("formatValidationReport", () => {
  it("prints headers, file:line:column diagnostics with fixes and the summary, without colour", () => {
    expect(formatValidationReport(report, terminalStyle(false))).toBe(
      [
        's/good (circus, "Good", 2 steps): valid',
        "",
        "s/bad (katacoda): invalid (1 error)",
        "s/bad/index.json:3:7: error [json-invalid] index.json is not JSON",
        "  fix: fix the comma",
        "s/bad/step1.md:1:2: warning [directive-typo] {{exeute}}",
        "",
        "2 scenarios: 1 valid, 1 invalid, 1 warnings",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked, and the summary still reads the same without the escapes", () => {
    const coloured = formatSummary(report.summary, terminalStyle(true));
    expect(coloured).toContain("\u001b[31m1 invalid\u001b[39m");
    expect(stripVTControlCharacters(coloured)).toBe("2 scenarios: 1 valid, 1 invalid, 1 warnings");
  });
});
