// A scenario on its way into the native format (what `circus import` reads out of another platform's
// files) and the writer that turns it into scenario.md, step files, sidecar scripts and assets/.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

export interface DraftScript {
  script: string;
  /** The host it runs on; unset is the first host. */
  host?: string;
}

export interface DraftStep {
  title: string;
  markdown: string;
  setup?: DraftScript;
  verify?: DraftScript;
  solve?: DraftScript;
  hint?: string;
}

export interface DraftAsset {
  /** The file on disk to copy into assets/. */
  from: string;
  /** Its path under assets/. */
  source: string;
  target: string;
  host?: string;
  mode?: string;
}

export interface NativeDraft {
  title: string;
  description: string;
  difficulty?: "beginner" | "intermediate" | "advanced";
  durationMinutes?: number;
  tags: string[];
  hosts: { name: string; image: string }[];
  terminals: { id: string; title: string; host: string }[];
  ports: { host: string; port: number; title: string; path?: string }[];
  links: { title: string; href: string }[];
  editor?: { host: string; root: string };
  intro: { markdown: string; setup?: DraftScript };
  steps: DraftStep[];
  finish: { markdown: string };
  assets: DraftAsset[];
  /** What could not be carried over, one sentence each, for the import report. */
  notCarried: string[];
}

export function emptyDraft(title: string): NativeDraft {
  return {
    title,
    description: "",
    tags: [],
    hosts: [],
    terminals: [],
    ports: [],
    links: [],
    intro: { markdown: "" },
    steps: [],
    finish: { markdown: "" },
    assets: [],
    notCarried: [],
  };
}

/** "Deploy the app!" -> "deploy-the-app" (at most 40 characters), for step file names. */
export function slugOf(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug === "" ? "step" : slug;
}

/** A valid native host name from another platform's ("Web Server_1" -> "web-server-1"). */
export function hostNameOf(name: string, fallback: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 31);
  return cleaned === "" ? fallback : cleaned;
}

/** Writes the draft as a native scenario folder at `root` (which must not exist yet); returns the files written. */
export async function writeNativeDraft(root: string, draft: NativeDraft): Promise<string[]> {
  const written: string[] = [];
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text, { flag: "wx" });
    written.push(path);
  };
  const firstHost = draft.hosts[0]?.name;
  const frontMatter: Record<string, unknown> = {
    title: draft.title,
    ...(draft.description ? { description: draft.description } : {}),
    ...(draft.difficulty ? { difficulty: draft.difficulty } : {}),
    ...(draft.durationMinutes ? { duration: draft.durationMinutes } : {}),
    ...(draft.tags.length > 0 ? { tags: draft.tags } : {}),
    hosts: draft.hosts,
    ...(draft.terminals.length > 0 ? { terminals: draft.terminals } : {}),
    ...(draft.ports.length > 0 ? { ports: draft.ports } : {}),
    ...(draft.links.length > 0 ? { links: draft.links } : {}),
    ...(draft.editor ? { editor: draft.editor } : {}),
    ...(draft.assets.length > 0
      ? {
          assets: draft.assets.map(({ source, target, host, mode }) => ({
            source,
            target,
            ...(host && host !== firstHost ? { host } : {}),
            ...(mode ? { mode } : {}),
          })),
        }
      : {}),
    ...(draft.intro.setup ? { intro: { setup: "intro-setup.sh" } } : {}),
  };
  await write("scenario.md", `---\n${stringify(frontMatter).trimEnd()}\n---\n\n${draft.intro.markdown.trim()}\n`);
  if (draft.intro.setup) await write("intro-setup.sh", withNewline(draft.intro.setup.script));
  for (const [index, step] of draft.steps.entries()) {
    const base = `${String(index + 1).padStart(2, "0")}-${slugOf(step.title)}`;
    const blocks: string[] = [];
    for (const role of ["setup", "verify", "solve"] as const) {
      const script = step[role];
      if (!script) continue;
      // A script for the first host is a sidecar file; one for another host a hidden block naming it.
      if (!script.host || script.host === firstHost) await write(`${base}.${role}.sh`, withNewline(script.script));
      else blocks.push(hiddenBlock(role, script));
    }
    if (step.hint) await write(`${base}.hint.md`, withNewline(step.hint));
    const body = [`# ${step.title.replace(/\s+/g, " ").trim()}`, step.markdown.trim(), ...blocks].filter(Boolean);
    await write(`${base}.md`, `${body.join("\n\n")}\n`);
  }
  if (draft.finish.markdown.trim() !== "") await write("finish.md", withNewline(draft.finish.markdown.trim()));
  for (const asset of draft.assets) {
    const to = join(root, "assets", asset.source);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(asset.from, to);
    written.push(join("assets", asset.source));
  }
  return written;
}

function hiddenBlock(role: string, script: DraftScript): string {
  const longest = Math.max(2, ...[...script.script.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}bash ${role} host=${script.host}\n${script.script.trimEnd()}\n${fence}`;
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
