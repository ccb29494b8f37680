// The title of a KataCoda scenario whose index.json leaves it empty: KataCoda took it from the
// course's pathway file (`<name>-pathway.json` beside the scenario folders), so Circus does too.
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";

/** Pathway files larger than this are not read (real ones are a few kilobytes). */
const MAX_PATHWAY_BYTES = 256 * 1024;
/** At most this many pathway files are read from one folder. */
const MAX_PATHWAY_FILES = 50;

const PathwaySchema = z.object({
  title: z.string().optional(),
  courses: z
    .array(z.object({ course_id: z.string().optional(), id: z.string().optional(), title: z.string().optional() }))
    .optional(),
});

export interface FallbackTitle {
  title: string;
  /** The pathway file it came from (its name only), or undefined when it is the folder name. */
  pathwayFile?: string;
}

/**
 * The course's title in a sibling pathway file that lists the scenario folder (else that pathway's own
 * title), or the folder name when no pathway names it. Never throws.
 */
export async function fallbackTitle(scenarioDir: string): Promise<FallbackTitle> {
  const folder = resolve(scenarioDir);
  const name = basename(folder);
  const parent = dirname(folder);
  let files: string[] = [];
  try {
    files = (await readdir(parent)).filter((file) => /pathway\.json$/i.test(file)).sort();
  } catch {
    // No readable parent: fall through to the folder name.
  }
  for (const file of files.slice(0, MAX_PATHWAY_FILES)) {
    const pathway = await readPathway(join(parent, file));
    const course = pathway?.courses?.find((entry) => (entry.course_id ?? entry.id) === name);
    if (!pathway || !course) continue;
    const title = course.title?.trim() || pathway.title?.trim();
    if (title) return { title, pathwayFile: file };
  }
  return { title: titleFromFolder(name) };
}

async function readPathway(path: string): Promise<z.infer<typeof PathwaySchema> | undefined> {
  try {
    if ((await stat(path)).size > MAX_PATHWAY_BYTES) return undefined;
    const parsed = PathwaySchema.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** "getting-started_with-git" -> "Getting started with git". */
function titleFromFolder(name: string): string {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words === "" ? "Untitled scenario" : words[0]!.toUpperCase() + words.slice(1);
}
