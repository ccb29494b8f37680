// Finds the steps of a scenario folder from its file names: `NN-slug.md` pages ordered by number,
// with their sidecar scripts (`NN-slug.verify.sh`, ...), and reports names that break the scheme.
import { error, warning } from "../diagnostics";
import type { Diagnostic } from "../model";

export type SidecarRole = "setup" | "foreground" | "verify" | "solve" | "hint";

export interface StepFile {
  number: number;
  /** The file name without ".md", e.g. "01-first-step". */
  stem: string;
  /** The part after the number, e.g. "first-step". */
  slug: string;
  /** e.g. "01-first-step.md" */
  file: string;
  /** Sidecar file name per role. */
  sidecars: Partial<Record<SidecarRole, string>>;
}

const STEP = /^(\d+)-([A-Za-z0-9][A-Za-z0-9_-]*)\.md$/;
const SIDECAR =
  /^(\d+-[A-Za-z0-9][A-Za-z0-9_-]*)\.(setup|foreground|verify|solve)\.sh$|^(\d+-[A-Za-z0-9][A-Za-z0-9_-]*)\.hint\.md$/;
const LOOKS_LIKE_SIDECAR = /^(\d+-[A-Za-z0-9][A-Za-z0-9_-]*)\.([^.]+)\.(sh|md)$/;
const PAGES = new Set(["scenario.md", "finish.md", "readme.md"]);

/** `fileNames` are the regular files directly inside the scenario folder. */
export function discoverSteps(fileNames: readonly string[]): { steps: StepFile[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const steps: StepFile[] = [];
  const sidecars: { stem: string; role: SidecarRole; file: string }[] = [];
  for (const file of [...fileNames].sort()) {
    const step = STEP.exec(file);
    if (step) {
      steps.push({ number: Number(step[1]), stem: `${step[1]}-${step[2]}`, slug: step[2]!, file, sidecars: {} });
      continue;
    }
    const sidecar = SIDECAR.exec(file);
    if (sidecar) {
      sidecars.push(
        sidecar[1]
          ? { stem: sidecar[1], role: sidecar[2] as SidecarRole, file }
          : { stem: sidecar[3]!, role: "hint", file },
      );
      continue;
    }
    const unknownRole = LOOKS_LIKE_SIDECAR.exec(file);
    if (unknownRole) {
      diagnostics.push(
        warning(
          "sidecar-unknown-role",
          `"${file}" looks like a step sidecar, but "${unknownRole[2]}" is not a sidecar role`,
          { file },
          `name it ${unknownRole[1]}.setup.sh, .foreground.sh, .verify.sh, .solve.sh or .hint.md`,
        ),
      );
      continue;
    }
    if (file.toLowerCase().endsWith(".md") && !PAGES.has(file.toLowerCase())) {
      diagnostics.push(
        warning(
          "not-a-step",
          `"${file}" is not a step: step files are named NN-slug.md`,
          { file },
          `rename it to something like ${String(steps.length + 1).padStart(2, "0")}-${slugOf(file)}.md, or move it out of the scenario folder`,
        ),
      );
    }
  }
  steps.sort((a, b) => a.number - b.number || a.file.localeCompare(b.file));
  diagnostics.push(...checkNumbering(steps));
  const byStem = new Map(steps.map((s) => [s.stem, s]));
  for (const sidecar of sidecars) {
    const step = byStem.get(sidecar.stem);
    if (step) step.sidecars[sidecar.role] = sidecar.file;
    else {
      diagnostics.push(
        warning(
          "sidecar-orphan",
          `"${sidecar.file}" belongs to no step: there is no ${sidecar.stem}.md`,
          { file: sidecar.file },
          `rename it to match its step's file name, or create ${sidecar.stem}.md`,
        ),
      );
    }
  }
  return { steps, diagnostics };
}

function checkNumbering(steps: readonly StepFile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let expected = Math.min(1, steps[0]?.number ?? 1);
  let previous: StepFile | undefined;
  for (const step of steps) {
    if (previous && step.number === previous.number) {
      diagnostics.push(
        error(
          "step-number-duplicate",
          `"${step.file}" and "${previous.file}" both have step number ${step.number}`,
          { file: step.file },
          "give every step its own number",
        ),
      );
      continue;
    }
    if (step.number !== expected) {
      diagnostics.push(
        warning(
          "step-number-gap",
          `"${step.file}" is step number ${step.number}, but the step before it is ${previous ? `number ${previous.number}` : "missing"}`,
          { file: step.file },
          `renumber the steps without gaps (it would be ${String(expected).padStart(2, "0")}-${step.slug}.md)`,
        ),
      );
    }
    expected = step.number + 1;
    previous = step;
  }
  const widths = new Set(steps.map((s) => s.stem.indexOf("-")));
  if (widths.size > 1) {
    const width = Math.max(...widths);
    for (const step of steps.filter((s) => s.stem.indexOf("-") < width)) {
      diagnostics.push(
        warning(
          "step-number-padding",
          `"${step.file}" has a shorter step number than other steps, so file listings sort it out of order`,
          { file: step.file },
          `rename it to ${String(step.number).padStart(width, "0")}-${step.slug}.md`,
        ),
      );
    }
  }
  return diagnostics;
}

function slugOf(file: string): string {
  return (
    file
      .replace(/\.md$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "step"
  );
}
