// Turns zod validation issues into diagnostics that name the offending key the way an author
// writes it (details.steps[1].verify) and point at its position.
import type { z } from "zod";
import { error, type Location } from "../diagnostics";
import type { Diagnostic } from "../model";
import type { JsonPath } from "./index-json-document";

export function diagnosticsFromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  options: {
    code: string;
    locate: (path: JsonPath) => Location;
    fix?: string;
  },
): Diagnostic[] {
  return issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
    const where = path.length > 0 ? `${formatJsonPath(path)}: ` : "";
    return error(options.code, `${where}${describeIssue(issue)}`, options.locate(path), options.fix);
  });
}

/** `["details", "steps", 1, "verify"]` -> `details.steps[1].verify`. */
export function formatJsonPath(path: JsonPath): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `.${part}`)).join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") {
    const expected = issue.errors
      .flat()
      .filter((nested) => nested.path.length === 0 && nested.code === "invalid_type")
      .map((nested) => (nested.code === "invalid_type" ? nested.expected : ""));
    if (expected.length > 0) return `expected ${[...new Set(expected)].join(" or ")}`;
    const first = issue.errors.flat()[0];
    if (first) return describeIssue(first);
  }
  return issue.message;
}
