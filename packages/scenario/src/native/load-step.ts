// Builds one step from its page (`NN-slug.md`) and sidecar files: the shown markdown, the title,
// the setup/foreground/verify/solve scripts and hint from hidden blocks or sidecars, and the quizzes.
import type { z } from "zod";
import { error, warning } from "../diagnostics";
import { pageLimitDiagnostic } from "../markdown/page-limits";
import type { Diagnostic, ScriptSchema, StepSchema } from "../model";
import { checkFields } from "./field-issues";
import { splitFrontMatter } from "./front-matter";
import { StepFrontMatter } from "./front-matter-schema";
import { extractHiddenBlocks, type HiddenBlock } from "./hidden-blocks";
import { parseQuizBlock } from "./quiz-blocks";
import { readScenarioText } from "./scenario-files";
import type { SidecarRole, StepFile } from "./step-files";
import { parseYamlBlock } from "./yaml-block";

export type StepInput = z.input<typeof StepSchema>;
type ScriptInput = z.input<typeof ScriptSchema>;
type ScriptRole = Exclude<SidecarRole, "hint">;

const SCRIPT_OPTIONS = new Set(["host", "timeout"]);

export async function loadStep(
  dir: string,
  stepFile: StepFile,
  hostNames: readonly string[] | undefined,
): Promise<{ step?: StepInput; diagnostics: Diagnostic[] }> {
  const { file } = stepFile;
  const read = await readScenarioText(dir, file);
  const diagnostics = [...read.diagnostics];
  if (read.text === undefined || read.text === "") return { diagnostics };
  const split = splitFrontMatter(read.text);
  if (split.unclosed) {
    diagnostics.push(
      error(
        "front-matter-unclosed",
        "the front matter opened on line 1 is never closed",
        { file },
        "add a line with only --- after the front matter",
      ),
    );
    return { diagnostics };
  }
  let frontMatter: z.output<typeof StepFrontMatter> = {};
  const yaml = split.yaml === undefined ? undefined : parseYamlBlock(split.yaml, file, split.yamlLine);
  if (yaml) {
    const checked = checkFields(StepFrontMatter, { ...yaml, value: yaml.value ?? {} });
    diagnostics.push(...yaml.diagnostics, ...checked.diagnostics);
    frontMatter = checked.value ?? {};
    if (frontMatter.verify?.host)
      checkHost(frontMatter.verify.host, hostNames, { file, ...yaml.locate(["verify", "host"]) }, diagnostics);
  }
  const overLimit = pageLimitDiagnostic(split.body, { file, line: split.bodyLine, column: 1 });
  if (overLimit) return { diagnostics: [...diagnostics, overLimit] };
  const page = extractHiddenBlocks(split.body, split.bodyLine, { takeTitle: frontMatter.title === undefined });
  const step: StepInput = {
    title: frontMatter.title ?? page.title ?? titleFromSlug(stepFile.slug),
    markdown: page.markdown,
    source: { file, line: page.line, column: 1 },
    quizzes: [],
  };
  const scripts: Partial<Record<ScriptRole, ScriptInput>> = {};
  const seen = new Map<string, HiddenBlock>();
  for (const block of page.blocks) {
    const at = { file, line: block.line, column: block.column };
    if (block.role === "quiz") {
      const parsed = parseQuizBlock(block, file, `step${stepFile.number}-q${(step.quizzes?.length ?? 0) + 1}`);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.quiz) step.quizzes?.push(parsed.quiz);
      continue;
    }
    const earlier = seen.get(block.role);
    if (earlier) {
      diagnostics.push(
        error(
          "step-role-duplicate",
          `this step already has a ${block.role} block (line ${earlier.line})`,
          at,
          `merge the two ${block.role} blocks into one`,
        ),
      );
      continue;
    }
    seen.set(block.role, block);
    const sidecar = stepFile.sidecars[block.role];
    if (sidecar) {
      diagnostics.push(
        error(
          "step-role-conflict",
          `this ${block.role} block and the sidecar file "${sidecar}" both give the step's ${block.role}`,
          at,
          `keep one: delete this block or delete ${sidecar}`,
        ),
      );
      continue;
    }
    if (block.text.trim() === "")
      diagnostics.push(
        warning(
          "script-empty",
          `this ${block.role} block is empty`,
          at,
          `write the ${block.role} ${block.role === "hint" ? "text" : "script"} or remove the block`,
        ),
      );
    if (block.role === "hint") {
      step.hint = block.text;
      continue;
    }
    scripts[block.role] = scriptFromBlock(block, file, hostNames, diagnostics);
  }
  for (const [role, sidecar] of Object.entries(stepFile.sidecars) as [SidecarRole, string][]) {
    if (seen.has(role)) continue;
    const text = await readScenarioText(dir, sidecar, { empty: "warning" });
    diagnostics.push(...text.diagnostics);
    if (!text.text) continue; // unreadable or empty: reported above, and an empty verify must not pass
    if (role === "hint") step.hint = text.text;
    else scripts[role] = { script: text.text, source: { file: sidecar, line: 1, column: 1 } };
  }
  const verifyDefaults = frontMatter.verify;
  if (scripts.verify) {
    step.verify = {
      ...scripts.verify,
      host: scripts.verify.host ?? verifyDefaults?.host,
      timeoutSeconds: scripts.verify.timeoutSeconds ?? verifyDefaults?.timeout,
    };
  } else if (verifyDefaults) {
    diagnostics.push(
      warning(
        "verify-settings-unused",
        "`verify` settings are given, but the step has no verify script",
        { file, ...yaml?.locateKey([], "verify") },
        "add a ```bash verify block or a verify sidecar file, or remove `verify:`",
      ),
    );
  }
  step.setup = scripts.setup;
  step.foreground = scripts.foreground;
  step.solve = scripts.solve;
  if (step.markdown.trim() === "" && !page.blocks.some((block) => block.role === "quiz")) {
    diagnostics.push(
      warning(
        "step-empty",
        "this step shows nothing: its text is empty and it has no quiz",
        { file },
        "write what the learner should do",
      ),
    );
  }
  return { step, diagnostics };
}

function scriptFromBlock(
  block: HiddenBlock,
  file: string,
  hostNames: readonly string[] | undefined,
  diagnostics: Diagnostic[],
): ScriptInput {
  const at = { file, line: block.line, column: block.column };
  const script: ScriptInput = { script: block.text, source: { file, line: block.contentLine, column: 1 } };
  for (const [name, value] of Object.entries(block.options)) {
    if (!SCRIPT_OPTIONS.has(name) || value === true) {
      diagnostics.push(
        warning(
          "block-option-unknown",
          `"${name}" is not an option of a ${block.role} block and is ignored`,
          at,
          "the options are host=NAME and timeout=SECONDS",
        ),
      );
    } else if (name === "host") {
      if (checkHost(value, hostNames, at, diagnostics)) script.host = value;
    } else if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 3600) {
      script.timeoutSeconds = Number(value);
    } else {
      diagnostics.push(
        error(
          "block-option-invalid",
          `timeout=${value} is not a number of seconds from 1 to 3600`,
          at,
          "write it like timeout=30",
        ),
      );
    }
  }
  return script;
}

function checkHost(
  host: string,
  hostNames: readonly string[] | undefined,
  at: { file: string; line?: number; column?: number },
  diagnostics: Diagnostic[],
): boolean {
  if (!hostNames || hostNames.includes(host)) return true; // unknown when scenario.md's front matter failed
  diagnostics.push(
    error("unknown-host", `host "${host}" is not declared in scenario.md`, at, `use one of: ${hostNames.join(", ")}`),
  );
  return false;
}

/** "first-step" gives "First step". */
function titleFromSlug(slug: string): string {
  const words = slug.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
