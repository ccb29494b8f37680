// The one place a scenario's files are resolved: every path the loaders read and asset copying
// copies goes through realpath here and is refused when it lands outside the scenario folder, so a
// cloned scenario with `assets -> ../../.circus` (or any link out) cannot hand the server's files to a sandbox.
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";

export type ScenarioPath =
  /** `realPath` has every symbolic link resolved: read it, not the path as written. */
  { ok: true; realPath: string } | { ok: false; reason: "missing" | "outside" };

/** Whether `relativePath`, as written by an author, stays inside the folder without following links. */
export function staysInsideLexically(relativePath: string): boolean {
  const slashed = relativePath.replaceAll("\\", "/");
  if (isAbsolute(slashed) || slashed.startsWith("~") || /^[A-Za-z]:/.test(slashed)) return false;
  const normal = posix.normalize(slashed);
  return normal !== ".." && !normal.startsWith("../");
}

/**
 * The real path of `relativePath` inside `root`, following symbolic links (in the file and in every
 * folder above it), or why it may not be read: `outside` when it leaves the real scenario folder.
 */
export async function resolveScenarioPath(root: string, relativePath: string): Promise<ScenarioPath> {
  if (!staysInsideLexically(relativePath)) return { ok: false, reason: "outside" };
  let realRoot: string;
  let realPath: string;
  try {
    [realRoot, realPath] = await Promise.all([realpath(root), realpath(join(resolve(root), relativePath))]);
  } catch {
    return { ok: false, reason: "missing" };
  }
  return isWithin(realRoot, realPath) ? { ok: true, realPath } : { ok: false, reason: "outside" };
}

export interface ScenarioListing {
  /** False when `folder` does not exist (or is not a folder). */
  exists: boolean;
  /** True when `folder` itself resolves outside the scenario folder: nothing below it is listed. */
  folderOutside: boolean;
  /** Files below `folder`, relative to it, "/"-separated, sorted; links to files inside the scenario count as files. */
  files: string[];
  /** Links below `folder` (relative to it) whose target is outside the scenario folder: never read, never copied. */
  outside: string[];
}

/** Every file below `root/folder`, at most `maxFiles`; links are resolved and those leading out are reported, not followed. */
export async function listScenarioFiles(root: string, folder: string, maxFiles = 10_000): Promise<ScenarioListing> {
  const listing: ScenarioListing = { exists: false, folderOutside: false, files: [], outside: [] };
  const base = await resolveScenarioPath(root, folder);
  if (!base.ok) {
    listing.folderOutside = base.reason === "outside";
    return listing;
  }
  if (!(await isDirectory(base.realPath))) return listing;
  listing.exists = true;
  const walk = async (relativeDir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(base.realPath, relativeDir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (listing.files.length >= maxFiles) return;
      const path = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) listing.files.push(path);
      else if (entry.isSymbolicLink()) {
        const target = await resolveScenarioPath(root, `${folder}/${path}`);
        if (!target.ok) {
          if (target.reason === "outside") listing.outside.push(path);
        } else if (!(await isDirectory(target.realPath))) listing.files.push(path);
        // A link to a folder inside the scenario is not walked: links could make the walk loop.
      }
    }
  };
  await walk("");
  listing.files.sort();
  return listing;
}

function isWithin(realRoot: string, realPath: string): boolean {
  const fromRoot = relative(realRoot, realPath);
  return fromRoot !== ".." && !fromRoot.startsWith(`..${sep}`) && !isAbsolute(fromRoot);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
