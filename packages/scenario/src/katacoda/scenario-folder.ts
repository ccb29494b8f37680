// The files of one scenario folder as index.json names them: relative paths, read without ever
// leaving the folder, and every file listed for asset globs.
import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";

export type FileReading =
  | { ok: true; path: string; text: string }
  | { ok: false; path: string; reason: "missing" | "outside" | "not-a-file" };

export class ScenarioFolder {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** "./step1/../step1/text.md" -> "step1/text.md"; undefined when it leaves the folder or is absolute. */
  normalize(reference: string): string | undefined {
    const slashed = reference.trim().replaceAll("\\", "/");
    if (isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) return undefined;
    const normal = posix.normalize(slashed).replace(/^(\.\/)+/, "");
    if (normal === ".." || normal.startsWith("../") || normal === "." || normal === "") return undefined;
    return normal;
  }

  async read(reference: string): Promise<FileReading> {
    const path = this.normalize(reference);
    if (path === undefined) return { ok: false, path: reference, reason: "outside" };
    const absolute = join(this.root, ...path.split("/"));
    try {
      if (!(await stat(absolute)).isFile()) return { ok: false, path, reason: "not-a-file" };
      // A symbolic link must not carry the loader to a file of the server outside the scenario.
      const [realRoot, realFile] = await Promise.all([realpath(this.root), realpath(absolute)]);
      if (!realFile.startsWith(`${realRoot}${sep}`)) return { ok: false, path, reason: "outside" };
      return { ok: true, path, text: await readFile(absolute, "utf8") };
    } catch {
      return { ok: false, path, reason: "missing" };
    }
  }

  /** Every file below `folder` (relative to it, "/"-separated, sorted); empty when the folder does not exist. */
  async listFiles(folder: string): Promise<string[]> {
    const base = join(this.root, folder);
    let entries: Dirent[];
    try {
      entries = await readdir(base, { recursive: true, withFileTypes: true });
    } catch {
      return [];
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(base, join(entry.parentPath, entry.name)).split(sep).join("/"))
      .sort();
  }
}
