// The editor's files inside a host: UTF-8 text read and written through @circus/sandbox, capped at
// 1 MiB; an existing file keeps its mode (and a link keeps pointing at its target). Saved files are root's.
import { isUtf8 } from "node:buffer";
import { posix } from "node:path";
import type { EnvironmentHandle } from "@circus/sandbox";
import { z } from "zod";
import { AppError } from "../http/errors";

/** Largest file the editor reads or writes. */
export const MAX_EDITOR_FILE_BYTES = 1024 * 1024;

/** An absolute path or `~/...` (root's home), without `..` segments; parsed to the absolute path. */
export const editorPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes("\0"), "a path has no NUL bytes")
  .transform((path) => (path === "~" ? "/root" : path.startsWith("~/") ? `/root/${path.slice(2)}` : path))
  .refine((path) => path.startsWith("/"), "use an absolute path or one starting with ~/")
  .refine((path) => !path.split("/").includes(".."), "a path has no '..' segments")
  .transform((path) => posix.normalize(path));

// Arguments: $0 the path. Prints the real path, then its mode when it is a regular file.
const STAT_SCRIPT = `f=$(readlink -f -- "$0" 2>/dev/null) || f=$0
printf '%s\\n' "$f"
[ -f "$f" ] && stat -c '%a' -- "$f"
exit 0`;

type Files = Pick<EnvironmentHandle, "files" | "commands">;

export async function readEditorFile(environment: Files, host: string, path: string): Promise<string> {
  const bytes = await environment.files.read(host, path, { maxBytes: MAX_EDITOR_FILE_BYTES });
  if (!isUtf8(bytes)) {
    throw new AppError("unsupported_media_type", `${path} is not a UTF-8 text file; the editor opens text files only.`);
  }
  return bytes.toString("utf8");
}

export async function writeEditorFile(environment: Files, host: string, path: string, content: string) {
  const size = Buffer.byteLength(content, "utf8");
  if (size > MAX_EDITOR_FILE_BYTES) {
    throw new AppError(
      "payload_too_large",
      `The file has ${size} bytes; the editor saves at most ${MAX_EDITOR_FILE_BYTES}.`,
    );
  }
  const existing = await statFile(environment, host, path);
  await environment.files.write(
    host,
    existing.path,
    content,
    existing.mode === undefined ? {} : { mode: existing.mode },
  );
}

async function statFile(environment: Files, host: string, path: string) {
  const result = await environment.commands.run(host, {
    argv: ["bash", "-c", STAT_SCRIPT, path],
    timeoutMs: 10_000,
    maxOutputBytes: 16 * 1024,
  });
  const [realPath, stat] = result.stdout.split("\n");
  const resolved = realPath?.startsWith("/") ? realPath : path;
  return { path: resolved, mode: stat && /^[0-7]{3,4}$/.test(stat) ? Number.parseInt(stat, 8) : undefined };
}
