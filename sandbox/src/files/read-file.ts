// Reading a file out of a sandbox container through the Engine API's getArchive, with a size cap
// checked against the tar header before any content is buffered (tmpfs paths: read inside).
import { posix } from "node:path";
import type { Readable } from "node:stream";
import type Dockerode from "dockerode";
import { extract } from "tar-stream";
import type { CommandHelperSource } from "../commands/command-helper";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import { FileNotFoundError, FileTooLargeError } from "../errors";
import { resolveSandboxPath } from "./sandbox-path";
import { isInTmpfs, readInside } from "./tmpfs-files";

export interface ReadFileOptions {
  /** Largest file accepted; default 1 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const MAX_SYMLINK_HOPS = 8;

type ArchiveEntry = { kind: "file"; content: Buffer } | { kind: "symlink"; target: string } | { kind: "other" };

/** The file's bytes; follows symbolic links; FileNotFoundError / FileTooLargeError otherwise. */
export async function readFile(
  docker: Dockerode,
  containerId: string,
  path: string,
  options: ReadFileOptions = {},
  helpers?: CommandHelperSource,
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let current = resolveSandboxPath(path);
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop += 1) {
    if (isInTmpfs(current)) return readInside(docker, containerId, current, path, maxBytes, helpers);
    const entry = await readArchiveEntry(docker, containerId, current, path, maxBytes);
    if (entry.kind === "file") return entry.content;
    if (entry.kind === "other") throw new FileNotFoundError(path);
    current = posix.resolve(posix.dirname(current), entry.target);
  }
  throw new FileNotFoundError(path);
}

async function readArchiveEntry(
  docker: Dockerode,
  containerId: string,
  absolutePath: string,
  requestedPath: string,
  maxBytes: number,
): Promise<ArchiveEntry> {
  let archive: Readable;
  try {
    archive = (await callEngine(() =>
      docker.getContainer(containerId).getArchive({ path: absolutePath }),
    )) as unknown as Readable;
  } catch (error) {
    if (engineStatusOf(error) === 404) throw new FileNotFoundError(requestedPath);
    throw error;
  }
  const entries = extract();
  archive.on("error", (error) => entries.destroy(error));
  archive.pipe(entries);
  try {
    for await (const item of entries) {
      const { header } = item;
      if (header.type === "symlink") return { kind: "symlink", target: header.linkname ?? "" };
      if (header.type !== "file" && header.type !== "contiguous-file") return { kind: "other" };
      const size = header.size ?? 0;
      if (size > maxBytes) throw new FileTooLargeError(requestedPath, size, maxBytes);
      const chunks: Buffer[] = [];
      for await (const chunk of item) chunks.push(chunk as Buffer);
      return { kind: "file", content: Buffer.concat(chunks) };
    }
    return { kind: "other" };
  } finally {
    archive.destroy();
    entries.destroy();
  }
}
