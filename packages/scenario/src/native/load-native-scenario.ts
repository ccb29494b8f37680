// Loads a native ("circus") scenario folder: scenario.md (front matter + intro), NN-slug.md steps
// with their sidecars, finish.md and assets/, into the model. Never throws: problems become diagnostics.
import { readdir } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { z } from "zod";
import { error, hasErrors, type LoadOutcome, warning } from "../diagnostics";
import { pageLimitDiagnostic } from "../markdown/page-limits";
import { type Diagnostic, type PageSchema, ScenarioSchema } from "../model";
import { expandAssets, listAssetFiles } from "./assets";
import { checkFields, fieldName } from "./field-issues";
import { splitFrontMatter } from "./front-matter";
import { ScenarioFrontMatter } from "./front-matter-schema";
import { extractHiddenBlocks } from "./hidden-blocks";
import { loadStep, type StepInput } from "./load-step";
import { readScenarioText } from "./scenario-files";
import { DEFAULT_HOST, settingsFromFrontMatter } from "./scenario-settings";
import { discoverSteps, type StepFile } from "./step-files";
import { parseYamlBlock, type YamlBlock, type YamlPath } from "./yaml-block";

type PageInput = z.input<typeof PageSchema>;

const SCENARIO_FILE = "scenario.md";
const FINISH_FILE = "finish.md";

export async function loadNativeScenario(dir: string): Promise<LoadOutcome> {
  const diagnostics: Diagnostic[] = [];
  const entry = await readEntry(dir);
  diagnostics.push(...entry.diagnostics);
  const frontMatter = entry.frontMatter;
  const yaml = entry.yaml ?? parseYamlBlock("", SCENARIO_FILE, 1);
  const { settings, diagnostics: settingsDiagnostics } = settingsFromFrontMatter(frontMatter ?? { title: "" }, yaml);
  diagnostics.push(...settingsDiagnostics);
  const hostNames = settings.hosts.map((h) => h.name);

  const intro = pageWithoutBlocks(entry.body, SCENARIO_FILE, entry.bodyLine, frontMatter?.title ?? "", diagnostics);
  Object.assign(intro, await pageScripts(dir, frontMatter?.intro, ["intro"], yaml, diagnostics));

  const discovered = discoverSteps(await folderFileNames(dir));
  diagnostics.push(...discovered.diagnostics);
  const steps: StepInput[] = [];
  const stepFiles: StepFile[] = [];
  for (const stepFile of discovered.steps) {
    const loaded = await loadStep(dir, stepFile, frontMatter ? hostNames : undefined);
    diagnostics.push(...loaded.diagnostics);
    if (loaded.step) {
      steps.push(loaded.step);
      stepFiles.push(stepFile);
    }
  }

  const finishText = await readScenarioText(dir, FINISH_FILE, { empty: "warning" });
  const finishMissing = finishText.diagnostics.some((d) => d.code === "file-missing");
  if (!finishMissing) diagnostics.push(...finishText.diagnostics);
  const finish = pageWithoutBlocks(finishText.text ?? "", FINISH_FILE, 1, "Finish", diagnostics);
  Object.assign(finish, await pageScripts(dir, frontMatter?.finish, ["finish"], yaml, diagnostics));

  const assets = [];
  if (frontMatter?.assets) {
    frontMatter.assets.forEach((asset, index) => {
      if (asset.host && !hostNames.includes(asset.host)) {
        diagnostics.push(
          error(
            "unknown-host",
            `host "${asset.host}" is not declared under \`hosts\``,
            { file: SCENARIO_FILE, ...yaml.locate(["assets", index, "host"]) },
            `use one of: ${hostNames.join(", ")}`,
          ),
        );
      }
    });
    const listed = await listAssetFiles(dir, { file: SCENARIO_FILE, ...yaml.locate(["assets"]) });
    const expanded = expandAssets(frontMatter.assets, listed.files, hostNames[0] ?? DEFAULT_HOST, yaml);
    diagnostics.push(...listed.diagnostics, ...expanded.diagnostics);
    assets.push(...expanded.assets);
  }

  if (!frontMatter) return { diagnostics };
  const parsed = ScenarioSchema.safeParse({
    id: scenarioId(dir),
    format: "circus",
    title: frontMatter.title,
    description: frontMatter.description,
    difficulty: frontMatter.difficulty,
    durationMinutes: frontMatter.duration,
    tags: frontMatter.tags,
    credits: frontMatter.credits,
    ...settings,
    network: frontMatter.network,
    layout: frontMatter.layout,
    intro,
    steps,
    finish,
    assets,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) diagnostics.push(modelIssue(issue, yaml, stepFiles));
    return { diagnostics };
  }
  return { scenario: hasErrors(diagnostics) ? undefined : parsed.data, diagnostics };
}

interface Entry {
  frontMatter?: ScenarioFrontMatter;
  yaml?: YamlBlock;
  body: string;
  bodyLine: number;
  diagnostics: Diagnostic[];
}

async function readEntry(dir: string): Promise<Entry> {
  const read = await readScenarioText(dir, SCENARIO_FILE);
  const diagnostics = [...read.diagnostics];
  if (!read.text) return { body: "", bodyLine: 1, diagnostics };
  const split = splitFrontMatter(read.text);
  if (split.unclosed) {
    diagnostics.push(
      error(
        "front-matter-unclosed",
        "the front matter opened on line 1 is never closed",
        { file: SCENARIO_FILE },
        "add a line with only --- after the front matter",
      ),
    );
    return { body: "", bodyLine: 1, diagnostics };
  }
  if (split.yaml === undefined) {
    diagnostics.push(
      error(
        "front-matter-missing",
        "scenario.md has no front matter, so the scenario has no title",
        { file: SCENARIO_FILE },
        "start the file with three lines: ---, title: Your title, ---",
      ),
    );
    return { body: split.body, bodyLine: split.bodyLine, diagnostics };
  }
  const yaml = parseYamlBlock(split.yaml, SCENARIO_FILE, split.yamlLine);
  diagnostics.push(...yaml.diagnostics);
  const entry = { yaml, body: split.body, bodyLine: split.bodyLine, diagnostics };
  if (yaml.diagnostics.some((d) => d.severity === "error")) return entry;
  const checked = checkFields(ScenarioFrontMatter, { ...yaml, value: yaml.value ?? {} });
  diagnostics.push(...checked.diagnostics);
  return { ...entry, frontMatter: checked.value };
}

/** The intro and finish pages take no hidden blocks; their scripts come from `intro:`/`finish:` in scenario.md. */
function pageWithoutBlocks(
  text: string,
  file: string,
  line: number,
  title: string,
  diagnostics: Diagnostic[],
): PageInput {
  const overLimit = pageLimitDiagnostic(text, { file, line, column: 1 });
  if (overLimit) {
    diagnostics.push(overLimit);
    return { title, markdown: "", source: { file, line, column: 1 } };
  }
  const page = extractHiddenBlocks(text, line, { takeTitle: false });
  for (const block of page.blocks) {
    diagnostics.push(
      warning(
        "hidden-block-outside-step",
        `a ${block.role} block only works in a step; here it is removed and ignored`,
        { file, line: block.line, column: block.column },
        block.role === "setup" || block.role === "foreground"
          ? `move the script into a file and name it under \`${file === FINISH_FILE ? "finish" : "intro"}: { ${block.role}: file }\` in scenario.md`
          : "move it into a step file",
      ),
    );
  }
  return { title, markdown: page.markdown, source: { file, line: page.line, column: 1 } };
}

async function pageScripts(
  dir: string,
  files: { setup?: string; foreground?: string } | undefined,
  path: YamlPath,
  yaml: YamlBlock,
  diagnostics: Diagnostic[],
): Promise<Pick<PageInput, "setup" | "foreground">> {
  const scripts: Pick<PageInput, "setup" | "foreground"> = {};
  for (const role of ["setup", "foreground"] as const) {
    const file = files?.[role];
    if (!file) continue;
    const read = await readScenarioText(dir, file, {
      referencedFrom: { file: SCENARIO_FILE, ...yaml.locate([...path, role]) },
      empty: "warning",
    });
    diagnostics.push(...read.diagnostics);
    if (read.text !== undefined) scripts[role] = { script: read.text, source: { file, line: 1, column: 1 } };
  }
  return scripts;
}

/** Files directly in the folder, and links: reading resolves a link and refuses it when it leads out. */
async function folderFileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** The folder name as a URL-safe id: "My Scenario_2" gives "my-scenario-2". */
function scenarioId(dir: string): string {
  const slug = basename(resolve(dir))
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "scenario";
}

/** Model fields whose front matter name or unit differs. */
const AUTHORED_AS: Record<string, { name: string; unit: string }> = {
  memoryMiB: { name: "memory", unit: " (in MiB)" },
  diskMiB: { name: "disk", unit: " (in MiB)" },
  durationMinutes: { name: "duration", unit: " (in minutes)" },
};

/** A model check that failed after loading (a range, a limit): point at the field the author wrote. */
function modelIssue(issue: z.core.$ZodIssue, yaml: YamlBlock, stepFiles: readonly StepFile[]): Diagnostic {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (path[0] === "steps" && typeof path[1] === "number") {
    const file = stepFiles[path[1]]?.file ?? SCENARIO_FILE;
    return error(
      "scenario-invalid",
      `${fieldName(path.slice(2))} in this step is not valid: ${issue.message}`,
      { file },
      "see docs/authoring.md for the allowed values",
    );
  }
  const authored = path.map((p) => (typeof p === "string" ? (AUTHORED_AS[p]?.name ?? p) : p));
  const unit = AUTHORED_AS[String(path.at(-1))]?.unit ?? "";
  return error(
    "scenario-invalid",
    `\`${fieldName(authored)}\` is out of range: ${issue.message}${unit}`,
    { file: SCENARIO_FILE, ...yaml.locate(authored) },
    "see docs/authoring.md for the allowed values",
  );
}
