// Reads an Instruqt track (track.yml, config.yml, one folder per challenge with assignment.md and
// setup-/check-/solve-<host> scripts) into a native draft, listing what has no native equivalent.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { CliError } from "../cli-errors";
import { splitFrontMatter } from "./front-matter-text";
import { type DraftScript, type DraftStep, emptyDraft, hostNameOf, type NativeDraft } from "./native-draft";

const TrackSchema = z.looseObject({
  title: z.string().min(1),
  teaser: z.string().optional(),
  description: z.string().optional(),
  level: z.string().optional(),
  tags: z.array(z.union([z.string(), z.number()])).optional(),
});

const MachineSchema = z.looseObject({ name: z.string().min(1), image: z.string().optional() });
const ConfigSchema = z.looseObject({
  containers: z.array(MachineSchema).optional(),
  virtualmachines: z.array(MachineSchema).optional(),
  virtualbrowsers: z.array(z.unknown()).optional(),
  secrets: z.array(z.unknown()).optional(),
});

const TabSchema = z.looseObject({
  title: z.string().optional(),
  type: z.string(),
  hostname: z.string().optional(),
  port: z.union([z.number(), z.string()]).optional(),
  path: z.string().optional(),
  url: z.string().optional(),
});
const AssignmentSchema = z.looseObject({
  title: z.string().optional(),
  type: z.string().optional(),
  teaser: z.string().optional(),
  notes: z.array(z.looseObject({ type: z.string().optional(), contents: z.string().optional() })).optional(),
  tabs: z.array(TabSchema).optional(),
  timelimit: z.unknown().optional(),
});

const SCRIPT = /^(setup|check|solve|cleanup)-(.+)$/;

export async function importInstruqtTrack(dir: string): Promise<NativeDraft> {
  const track = TrackSchema.safeParse(parse(await readText(join(dir, "track.yml"), "track.yml")));
  if (!track.success) {
    throw new CliError("import-invalid", "track.yml has no title", "check that this is an Instruqt track folder");
  }
  const draft = emptyDraft(track.data.title);
  draft.description = (track.data.teaser ?? track.data.description ?? "").trim();
  draft.difficulty = levelOf(track.data.level);
  draft.tags = (track.data.tags ?? []).map(String);
  if (track.data.description && track.data.teaser) draft.intro.markdown = track.data.description;

  const configText = await readFile(join(dir, "config.yml"), "utf8").catch(() => undefined);
  const config = configText ? ConfigSchema.parse(parse(configText) ?? {}) : {};
  const machines = [...(config.containers ?? []), ...(config.virtualmachines ?? [])];
  const hostByName = new Map<string, string>();
  for (const [index, machine] of machines.entries()) {
    const name = hostNameOf(machine.name, `host${index + 1}`);
    hostByName.set(machine.name, name);
    draft.hosts.push({ name, image: "circus/base" });
    if (machine.image) {
      draft.notCarried.push(`config.yml: ${machine.name} ran the image "${machine.image}"; it runs circus/base`);
    }
  }
  if (draft.hosts.length === 0) draft.hosts.push({ name: "host1", image: "circus/base" });
  if (config.virtualbrowsers?.length) draft.notCarried.push("config.yml: virtual browsers have no Circus equivalent");
  if (config.secrets?.length) draft.notCarried.push("config.yml: secrets are not carried over");
  const hostOf = (name: string | undefined) => (name ? hostByName.get(name) : undefined) ?? draft.hosts[0]!.name;

  const trackScripts = join(dir, "track_scripts");
  for (const file of await listFiles(trackScripts)) {
    const match = SCRIPT.exec(file);
    if (match?.[1] === "setup" && !draft.intro.setup) {
      draft.intro.setup = { script: await readFile(join(trackScripts, file), "utf8"), host: hostOf(match[2]) };
    } else
      draft.notCarried.push(
        `track_scripts/${file}: only one track setup script is carried over (as the intro's setup)`,
      );
  }

  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "track_scripts")
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    const files = await listFiles(join(dir, folder));
    if (!files.includes("assignment.md")) continue;
    draft.steps.push(await readChallenge(join(dir, folder), folder, files, draft, hostOf));
  }
  if (draft.steps.length === 0) {
    throw new CliError(
      "import-invalid",
      "the track has no challenge folders with an assignment.md",
      "point at the folder that holds track.yml and the challenge folders",
    );
  }
  return draft;
}

async function readChallenge(
  folder: string,
  name: string,
  files: string[],
  draft: NativeDraft,
  hostOf: (name: string | undefined) => string,
): Promise<DraftStep> {
  const { data, body } = splitFrontMatter(await readFile(join(folder, "assignment.md"), "utf8"));
  const assignment = AssignmentSchema.parse(data);
  const title = assignment.title?.trim() || name;
  // A ```run block runs in the challenge's terminal tab: the first one names its host.
  const terminalHost = hostOf(assignment.tabs?.find((tab) => tab.type === "terminal")?.hostname);
  const runHost = terminalHost === draft.hosts[0]!.name ? undefined : terminalHost;
  const step: DraftStep = { title, markdown: convertInstruqtMarkdown(body, name, draft.notCarried, runHost) };
  if (assignment.type && assignment.type !== "challenge") {
    draft.notCarried.push(`${name}: a "${assignment.type}" challenge is carried over as a page without its answers`);
  }
  if (assignment.notes?.length) {
    draft.notCarried.push(`${name}: the notes shown while the challenge loads are left out`);
  }
  if (assignment.timelimit !== undefined) draft.notCarried.push(`${name}: the time limit is not carried over`);
  for (const tab of assignment.tabs ?? []) addTab(tab, name, draft, hostOf);

  const byRole = new Map<string, DraftScript[]>();
  for (const file of files) {
    const match = SCRIPT.exec(file);
    if (!match) continue;
    const script = await readFile(join(folder, file), "utf8");
    const role = match[1]!;
    if (role === "cleanup") {
      draft.notCarried.push(`${name}/${file}: cleanup scripts have no native equivalent`);
      continue;
    }
    const list = byRole.get(role) ?? [];
    list.push({ script: role === "check" ? withFailMessage(script) : script, host: hostOf(match[2]) });
    byRole.set(role, list);
  }
  for (const [role, scripts] of byRole) {
    const [first, ...rest] = scripts;
    const key = role === "check" ? "verify" : (role as "setup" | "solve");
    step[key] = first;
    for (const other of rest) {
      draft.notCarried.push(
        `${name}: ${role}-${other.host} is left out: a native step has one ${key} script (kept: ${first!.host})`,
      );
    }
  }
  return step;
}

function addTab(tab: z.infer<typeof TabSchema>, challenge: string, draft: NativeDraft, hostOf: (n?: string) => string) {
  const title = tab.title?.trim() || tab.hostname || tab.type;
  if (tab.type === "terminal") {
    const host = hostOf(tab.hostname);
    if (!draft.terminals.some((terminal) => terminal.host === host && terminal.title === title)) {
      draft.terminals.push({ id: `t${draft.terminals.length + 1}`, title, host });
    }
  } else if (tab.type === "service" && tab.port !== undefined && Number(tab.port) > 0) {
    const port = Number(tab.port);
    const host = hostOf(tab.hostname);
    if (!draft.ports.some((entry) => entry.host === host && entry.port === port)) {
      draft.ports.push({ host, port, title, ...(tab.path ? { path: tab.path } : {}) });
    }
  } else if (tab.type === "code") {
    draft.editor ??= { host: hostOf(tab.hostname), root: tab.path ?? "/root" };
  } else if (tab.type === "website" && tab.url && /^https?:\/\//.test(tab.url)) {
    if (!draft.links.some((link) => link.href === tab.url)) draft.links.push({ title, href: tab.url });
  } else {
    draft.notCarried.push(`${challenge}: the "${tab.type}" tab "${title}" has no Circus equivalent`);
  }
}

/** Instruqt's ```run blocks are click-to-run: the native ```bash exec. Reports Instruqt-only markup. */
export function convertInstruqtMarkdown(markdown: string, where: string, notCarried: string[], host?: string): string {
  const exec = host ? `bash exec host=${host}` : "bash exec";
  const converted = markdown.replace(/^(\s*)(`{3,}|~{3,})run\b[^\n]*$/gm, `$1$2${exec}`);
  for (const [pattern, what] of [
    [/\[\[\s*Instruqt-Var/i, "Instruqt variables ([[ Instruqt-Var ... ]]) are left as text"],
    [/\[button\b/i, "[button] shortcodes are left as text"],
    [/<instruqt-/i, "<instruqt-...> elements are left out by the sanitizer"],
  ] as const) {
    if (pattern.test(converted)) notCarried.push(`${where}: ${what}`);
  }
  return converted;
}

/** Instruqt's checks call `fail-message "..."` to fail with a message; this defines it for Circus. */
function withFailMessage(script: string): string {
  if (!script.includes("fail-message")) return script;
  const shim = 'fail-message() { echo "$*"; exit 1; }';
  const shebang = /^#![^\n]*\n/.exec(script)?.[0] ?? "";
  return `${shebang}${shim}\n${script.slice(shebang.length)}`;
}

function levelOf(level: string | undefined): NativeDraft["difficulty"] {
  const value = level?.trim().toLowerCase();
  return value === "beginner" || value === "intermediate" || value === "advanced" ? value : undefined;
}

async function readText(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new CliError("import-invalid", `${name} cannot be read`, "point at an Instruqt track folder");
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
