// Files under the sandbox's tmpfs folders (/tmp, /run): the engine's archive API reads and writes
// the container's image layer beneath those mounts, so these go through a command inside instead.
import type Dockerode from "dockerode";
import type { CommandHelperSource } from "../commands/command-helper";
import { runCommand } from "../commands/run-command";
import { TMPFS_FOLDERS } from "../environments/isolation";
import { FileNotFoundError, FileTooLargeError, FileWriteFailedError } from "../errors";

const NOT_A_FILE = 44;
const TOO_LARGE = 45;

// Arguments: $0 the path, $1 the byte limit. Follows links; prints the size when too large.
const READ_SCRIPT = `f=$(readlink -f -- "$0") && [ -f "$f" ] || exit ${NOT_A_FILE}
size=$(stat -c %s -- "$f") || exit ${NOT_A_FILE}
[ "$size" -le "$1" ] || { echo "$size"; exit ${TOO_LARGE}; }
base64 -w0 -- "$f"`;

/** Whether the engine's archive API would miss `absolutePath` (it lies in a tmpfs folder). */
export function isInTmpfs(absolutePath: string): boolean {
  return TMPFS_FOLDERS.some((folder) => absolutePath === folder || absolutePath.startsWith(`${folder}/`));
}

/** Extracts a tar archive at "/" with the container's own tar (missing parents are created). */
export async function extractInside(
  docker: Dockerode,
  containerId: string,
  tarball: Buffer,
  helpers?: CommandHelperSource,
): Promise<void> {
  const result = await runCommand(docker, containerId, { argv: ["tar", "-x", "-C", "/"], stdin: tarball }, helpers);
  if (result.exitCode !== 0) {
    throw new FileWriteFailedError(result.stderr.trim());
  }
}

/** Reads a file with the container's own tools, refusing files larger than maxBytes. */
export async function readInside(
  docker: Dockerode,
  containerId: string,
  absolutePath: string,
  requestedPath: string,
  maxBytes: number,
  helpers?: CommandHelperSource,
): Promise<Buffer> {
  const result = await runCommand(
    docker,
    containerId,
    {
      argv: ["bash", "-c", READ_SCRIPT, absolutePath, String(maxBytes)],
      maxOutputBytes: Math.ceil(maxBytes / 3) * 4 + 64,
    },
    helpers,
  );
  if (result.exitCode === NOT_A_FILE) throw new FileNotFoundError(requestedPath);
  if (result.exitCode === TOO_LARGE) throw new FileTooLargeError(requestedPath, Number(result.stdout.trim()), maxBytes);
  if (result.exitCode !== 0) throw new FileNotFoundError(requestedPath);
  return Buffer.from(result.stdout, "base64");
}
