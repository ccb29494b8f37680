// Copying files into a sandbox container: one tar archive through the Engine API's putArchive,
// extracted at "/" (missing parent folders are created 0755, root); tmpfs paths go through tar inside.
import type Dockerode from "dockerode";
import { pack } from "tar-stream";
import type { CommandHelperSource } from "../commands/command-helper";
import { callEngine } from "../environments/engine-failures";
import { resolveSandboxPath } from "./sandbox-path";
import { extractInside, isInTmpfs } from "./tmpfs-files";

export interface FileToCopy {
  /** Absolute path in the container, or `~/...` (root's home). */
  path: string;
  content: Buffer | string;
  /** Permission bits; default 0o644. */
  mode?: number;
}

const DEFAULT_MODE = 0o644;

/** Writes all `files` into the container at once (root-owned), replacing files already there. */
export async function copyFiles(
  docker: Dockerode,
  containerId: string,
  files: FileToCopy[],
  helpers?: CommandHelperSource,
): Promise<void> {
  if (files.length === 0) return;
  const entries = files.map((file) => ({
    // Only file entries: a folder entry would also reset the mode of a folder that exists (/tmp, /root).
    name: resolveSandboxPath(file.path).slice(1),
    content: typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content,
    mode: file.mode ?? DEFAULT_MODE,
  }));
  const inTmpfs = entries.filter((entry) => isInTmpfs(`/${entry.name}`));
  const elsewhere = entries.filter((entry) => !isInTmpfs(`/${entry.name}`));
  if (elsewhere.length > 0) {
    const tarball = await tarballOf(elsewhere);
    await callEngine(() => docker.getContainer(containerId).putArchive(tarball, { path: "/" }));
  }
  if (inTmpfs.length > 0) await extractInside(docker, containerId, await tarballOf(inTmpfs), helpers);
}

/** Writes one file (see copyFiles). */
export function writeFile(
  docker: Dockerode,
  containerId: string,
  path: string,
  content: Buffer | string,
  options: { mode?: number } = {},
): Promise<void> {
  return copyFiles(docker, containerId, [{ path, content, ...options }]);
}

async function tarballOf(entries: { name: string; content: Buffer; mode: number }[]): Promise<Buffer> {
  const archive = pack();
  const mtime = new Date();
  for (const entry of entries) {
    archive.entry({ name: entry.name, mode: entry.mode, uid: 0, gid: 0, mtime, type: "file" }, entry.content);
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
