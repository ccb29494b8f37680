// A Dockerfile image's build context: the files of its folder, hashed (paths + bytes + modes)
// to decide whether the image must be rebuilt, and packed as the tar the Engine API takes.
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pack } from "tar-stream";

export type ContextEntry =
  | { type: "directory"; path: string; mode: number }
  | { type: "file"; path: string; mode: number; absolutePath: string }
  | { type: "symlink"; path: string; target: string };

/** Every entry under `dir`, with `/`-separated relative paths, sorted so that the order never depends on the file system. */
export async function listContextEntries(dir: string): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = [];
  const walk = async (relativeDir: string) => {
    const names = (await readdir(join(dir, relativeDir))).sort();
    for (const name of names) {
      const path = relativeDir === "" ? name : `${relativeDir}/${name}`;
      const absolutePath = join(dir, path);
      const info = await lstat(absolutePath);
      const mode = info.mode & 0o777;
      if (info.isSymbolicLink()) {
        entries.push({ type: "symlink", path, target: await readlink(absolutePath) });
      } else if (info.isDirectory()) {
        entries.push({ type: "directory", path, mode });
        await walk(path);
      } else if (info.isFile()) {
        entries.push({ type: "file", path, mode, absolutePath });
      }
      // sockets, fifos and devices cannot be sent to the builder: they are not part of the context
    }
  };
  await walk("");
  return entries;
}

/** sha256 (hex) over every entry's kind, path, mode and bytes: equal exactly when the context would build the same. */
export async function hashBuildContext(dir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const entry of await listContextEntries(dir)) {
    switch (entry.type) {
      case "directory":
        hash.update(`directory\0${entry.path}\0${entry.mode.toString(8)}\0`);
        break;
      case "symlink":
        hash.update(`symlink\0${entry.path}\0${entry.target}\0`);
        break;
      case "file": {
        const bytes = await readFile(entry.absolutePath);
        hash.update(`file\0${entry.path}\0${entry.mode.toString(8)}\0${bytes.length}\0`);
        hash.update(bytes);
        break;
      }
    }
  }
  return hash.digest("hex");
}

/** The context as an uncompressed tar stream (owner root, fixed times), for `docker.buildImage`. */
export function packBuildContext(dir: string): Readable {
  const tar = pack();
  const mtime = new Date(0);
  (async () => {
    for (const entry of await listContextEntries(dir)) {
      const header = { name: entry.path, uid: 0, gid: 0, mtime };
      if (entry.type === "directory") tar.entry({ ...header, type: "directory", mode: entry.mode });
      if (entry.type === "symlink") tar.entry({ ...header, type: "symlink", linkname: entry.target });
      if (entry.type === "file")
        tar.entry({ ...header, type: "file", mode: entry.mode }, await readFile(entry.absolutePath));
    }
    tar.finalize();
  })().catch((error: unknown) => tar.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.from(tar);
}
