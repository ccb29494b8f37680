// The files of one scenario folder as index.json names them: relative paths, read without ever
// leaving the folder, and every file listed for asset globs.
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, posix, resolve } from "node:path";
import { listScenarioFiles, resolveScenarioPath, type ScenarioListing } from "../scenario-paths";

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
    // A symbolic link must not carry the loader to a file of the server outside the scenario.
    const resolved = await resolveScenarioPath(this.root, path);
    if (!resolved.ok) return { ok: false, path, reason: resolved.reason };
    try {
      if (!(await stat(resolved.realPath)).isFile()) return { ok: false, path, reason: "not-a-file" };
      return { ok: true, path, text: await readFile(resolved.realPath, "utf8") };
    } catch {
      return { ok: false, path, reason: "missing" };
    }
  }

  /** Every file below `folder` (links resolved; those leading out of the scenario are listed apart, never read). */
  async listFiles(folder: string): Promise<ScenarioListing> {
    return listScenarioFiles(this.root, folder);
  }
}
