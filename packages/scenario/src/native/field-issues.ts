// Checks a parsed YAML value against an input schema and turns zod's issues into diagnostics at the
// author's line: unknown fields become warnings (with a "did you mean"), everything else errors.
import { z } from "zod";
import { error, warning } from "../diagnostics";
import type { Diagnostic } from "../model";
import type { YamlBlock, YamlPath } from "./yaml-block";

export interface FieldCheck<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

/**
 * Input schemas give each field's expected form as its error message ("a number of CPUs such as 2"),
 * so a diagnostic can say "`hosts[0].cpus` must be a number of CPUs such as 2".
 */
export function checkFields<T>(schema: z.ZodType<T>, block: YamlBlock): FieldCheck<T> {
  const first = schema.safeParse(block.value);
  if (first.success) return { value: first.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const stripped = structuredClone(block.value);
  let onlyUnknown = true;
  for (const issue of first.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        diagnostics.push(unknownField(block, path, key, known));
        const parent = valueAt(stripped, path);
        if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[key];
      }
      continue;
    }
    onlyUnknown = false;
    diagnostics.push(fieldError(block, path, issue.message));
  }
  if (!onlyUnknown) return { diagnostics };
  const second = schema.safeParse(stripped);
  if (!second.success)
    return {
      diagnostics: [...diagnostics, ...second.error.issues.map((i) => fieldError(block, pathOf(i), i.message))],
    };
  return { value: second.data, diagnostics };
}

/** `hosts[0].memory` */
export function fieldName(path: YamlPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(front matter)";
}

function pathOf(issue: z.core.$ZodIssue): YamlPath {
  return issue.path.filter((p): p is string | number => typeof p !== "symbol");
}

function fieldError(block: YamlBlock, path: YamlPath, form: string): Diagnostic {
  const name = fieldName(path);
  const at = { file: block.file, ...block.locate(path) };
  if (path.length === 0) {
    return error(
      "field-invalid",
      `the front matter must be ${form}`,
      at,
      "write `key: value` lines between the --- fences",
    );
  }
  if (valueAt(block.value, path) === undefined) {
    return error("field-missing", `\`${name}\` is missing`, at, `add \`${String(path.at(-1))}:\` with ${form}`);
  }
  return error("field-invalid", `\`${name}\` must be ${form}`, at, `change \`${name}\` to ${form}`);
}

function unknownField(block: YamlBlock, path: YamlPath, key: string, known: string[]): Diagnostic {
  const name = fieldName([...path, key]);
  const closest = closestWord(key, known);
  const fix = closest
    ? `did you mean \`${closest}\`? Otherwise remove it`
    : `remove it; the fields here are: ${known.join(", ") || "(none)"}`;
  return warning(
    "unknown-field",
    `unknown field \`${name}\` is ignored`,
    { file: block.file, ...block.locateKey(path, key) },
    fix,
  );
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The field names an object schema accepts at `path`, seen through optional/default/array/pipe wrappers. */
function knownKeys(schema: z.ZodType, path: YamlPath): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    if (segment === undefined) break;
    if (current instanceof z.ZodObject) current = current.shape[segment] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** The known word within edit distance 2 of `word`, if any. */
function closestWord(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length]!;
}
