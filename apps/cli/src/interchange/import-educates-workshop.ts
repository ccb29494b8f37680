// Reads an Educates workshop (resources/workshop.yaml and workshop/content/*.md, with clickable
// actions in fenced blocks) into a native draft, listing what has no native equivalent.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";
import { CliError } from "../cli-errors";
import { splitFrontMatter } from "./front-matter-text";
import { type DraftStep, emptyDraft, type NativeDraft } from "./native-draft";

const WorkshopSchema = z.looseObject({
  kind: z.literal("Workshop"),
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  spec: z
    .looseObject({
      title: z.string().optional(),
      description: z.string().optional(),
      duration: z.string().optional(),
      difficulty: z.string().optional(),
      session: z
        .looseObject({
          applications: z.record(z.string(), z.looseObject({ enabled: z.boolean().optional() })).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The one host an Educates session gives (its home folder is carried over as /root). */
const HOST = "workshop";
const CONTENT = join("workshop", "content");

export async function importEducatesWorkshop(dir: string): Promise<NativeDraft> {
  const workshop = await readWorkshop(dir);
  const spec = workshop.spec ?? {};
  const draft = emptyDraft(spec.title?.trim() || workshop.metadata?.name || "Imported workshop");
  draft.description = spec.description?.trim() ?? "";
  const difficulty = spec.difficulty?.trim().toLowerCase();
  if (difficulty === "beginner" || difficulty === "intermediate" || difficulty === "advanced") {
    draft.difficulty = difficulty;
  }
  const minutes = minutesOf(spec.duration);
  if (minutes) draft.durationMinutes = minutes;
  draft.hosts.push({ name: HOST, image: "circus/base" });
  for (const [name, application] of Object.entries(spec.session?.applications ?? {})) {
    if (application.enabled === false) continue;
    if (name === "editor") draft.editor = { host: HOST, root: "/root" };
    else if (name !== "terminal") {
      draft.notCarried.push(`workshop.yaml: the "${name}" application has no Circus equivalent`);
    }
  }

  const contentDir = join(dir, CONTENT);
  const pages = await readPages(contentDir);
  if (pages.length === 0) {
    throw new CliError("import-invalid", `${CONTENT} has no .md pages`, "point at the workshop's root folder");
  }
  // `_index.md` (Hugo's section page) is the intro; every other page is a step.
  const intro = pages.find((page) => /^_?index\.md$/.test(page.file));
  if (intro) draft.intro.markdown = await convertPage(intro, dir, draft);
  for (const page of pages) {
    if (page === intro) continue;
    const step: DraftStep = { title: page.title, markdown: "" };
    step.markdown = await convertPage(page, dir, draft, step);
    draft.steps.push(step);
  }
  return draft;
}

interface Page {
  file: string;
  title: string;
  weight: number;
  body: string;
}

async function readWorkshop(dir: string) {
  let text: string;
  try {
    text = await readFile(join(dir, "resources", "workshop.yaml"), "utf8");
  } catch {
    throw new CliError(
      "import-invalid",
      "resources/workshop.yaml cannot be read",
      "point at an Educates workshop folder",
    );
  }
  for (const document of parseAllDocuments(text)) {
    const parsed = WorkshopSchema.safeParse(document.toJS());
    if (parsed.success) return parsed.data;
  }
  throw new CliError("import-invalid", "resources/workshop.yaml holds no `kind: Workshop`", "check the file");
}

async function readPages(contentDir: string): Promise<Page[]> {
  let files: string[];
  try {
    files = (await readdir(contentDir)).filter((file) => file.endsWith(".md"));
  } catch {
    return [];
  }
  const pages: Page[] = [];
  for (const file of files) {
    const { data, body } = splitFrontMatter(await readFile(join(contentDir, file), "utf8"));
    const title = typeof data.title === "string" && data.title.trim() ? data.title.trim() : file.replace(/\.md$/, "");
    pages.push({ file, title, weight: typeof data.weight === "number" ? data.weight : 0, body });
  }
  return pages.sort((a, b) => a.weight - b.weight || a.file.localeCompare(b.file));
}

const FENCE = /^(`{3,}|~{3,})([^\n`]*)\n([\s\S]*?)^\1[ \t]*$/gm;

/**
 * Educates clickable actions to native blocks: `execute`, `execute-1/-2`, `terminal:execute` run a
 * command; `copy`, `copy-and-edit` copy; `editor:open-file` opens a file; the first `examiner:execute-test`
 * becomes the step's verify (its test script from workshop/examiner/tests/). Others are reported.
 */
async function convertPage(page: Page, dir: string, draft: NativeDraft, step?: DraftStep): Promise<string> {
  const where = `${CONTENT}/${page.file}`;
  let text = "";
  let from = 0;
  for (const match of page.body.matchAll(FENCE)) {
    const [whole, fence, info, content] = match as unknown as [string, string, string, string];
    text +=
      page.body.slice(from, match.index) + (await convertBlock(fence, info.trim(), content, where, dir, draft, step));
    from = match.index + whole.length;
  }
  text += page.body.slice(from);
  if (/\{\{<\s*param\b|%session_namespace%|%ingress_domain%/.test(text)) {
    draft.notCarried.push(`${where}: session variables ({{< param ... >}}, %session_namespace%) are left as text`);
  }
  return text;
}

async function convertBlock(
  fence: string,
  info: string,
  content: string,
  where: string,
  dir: string,
  draft: NativeDraft,
  step: DraftStep | undefined,
): Promise<string> {
  const block = (infoString: string, text: string) => `${fence}${infoString}\n${text.replace(/\n?$/, "\n")}${fence}`;
  const action = info.split(/\s+/)[0] ?? "";
  if (action === "execute" || action === "execute-1") return block("bash exec", content);
  if (action === "execute-2") return block("bash exec terminal=2", content);
  if (action === "copy" || action === "copy-and-edit") return block("text copy", content);
  const fields = /^[a-z]+:[a-z-]+$/.test(action) ? ((parse(content) as Record<string, unknown> | null) ?? {}) : {};
  if (action === "terminal:execute" && typeof fields.command === "string") {
    return block(Number(fields.session) === 2 ? "bash exec terminal=2" : "bash exec", fields.command);
  }
  if (action === "editor:open-file" && typeof fields.file === "string") {
    const path = fields.file.replace(/^~\//, "/root/");
    return block(`text open path=${path}`, path);
  }
  if (action === "examiner:execute-test" && typeof fields.name === "string" && step && !step.verify) {
    try {
      const script = await readFile(join(dir, "workshop", "examiner", "tests", fields.name), "utf8");
      step.verify = { script };
      return "";
    } catch {
      draft.notCarried.push(`${where}: examiner test "${fields.name}" has no script in workshop/examiner/tests/`);
    }
  }
  if (action.includes(":")) {
    draft.notCarried.push(`${where}: the "${action}" clickable action has no Circus equivalent; kept as a plain block`);
    return block("text", content);
  }
  return `${fence}${info}\n${content}${fence}`;
}

function minutesOf(duration: string | undefined): number | undefined {
  const match = /^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*$/.exec(duration ?? "");
  if (!match || (!match[1] && !match[2])) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
