// Reads the files of a scenario folder without ever throwing: a path that leaves the folder, or a
// missing, oversized, binary, non-UTF-8 or empty file, becomes a diagnostic instead of text.
import { readFile, stat } from "node:fs/promises";
import { error, type Location, warning } from "../diagnostics";
import type { Diagnostic } from "../model";
import { resolveScenarioPath, staysInsideLexically } from "../scenario-paths";

/** Larger files are refused: no scenario page or script needs more, and a loader must not read a disk image. */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface ReadFileOptions {
  /** Where the file is named (e.g. a front matter field); missing-file and bad-path diagnostics point there. */
  referencedFrom?: Location;
  /** How an empty (or whitespace-only) file is reported. Default "error". */
  empty?: "error" | "warning";
}

export interface ReadText {
  /** The file's text (BOM removed); undefined when it could not be read. Empty files give "". */
  text?: string;
  diagnostics: Diagnostic[];
}

/** Whether a path written by the author stays inside the scenario folder (relative, no ".." out). */
export function isInsideFolder(file: string): boolean {
  return staysInsideLexically(file);
}

/** Reads `file` (relative to `dir`) as UTF-8 text. */
export async function readScenarioText(dir: string, file: string, options: ReadFileOptions = {}): Promise<ReadText> {
  const at = options.referencedFrom ?? { file };
  if (!isInsideFolder(file)) {
    return fail(error("path-outside-scenario", `"${file}" is outside the scenario folder`, at, fixInside(file)));
  }
  const resolved = await resolveScenarioPath(dir, file);
  if (!resolved.ok && resolved.reason === "outside") {
    return fail(error("path-outside-scenario", `"${file}" links outside the scenario folder`, at, fixLink(file)));
  }
  if (!resolved.ok) {
    return fail(error("file-missing", `"${file}" does not exist`, at, `create "${file}" or correct the file name`));
  }
  const path = resolved.realPath;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      return fail(error("file-not-regular", `"${file}" is not a regular file`, at, `make "${file}" a file`));
    }
    size = info.size;
  } catch {
    return fail(error("file-missing", `"${file}" does not exist`, at, `create "${file}" or correct the file name`));
  }
  if (size > MAX_FILE_BYTES) {
    const kib = Math.ceil(size / 1024);
    return fail(
      error(
        "file-too-large",
        `"${file}" is ${kib} KiB; scenario files are limited to ${MAX_FILE_BYTES / 1024} KiB`,
        { file },
        "split it into smaller files, or move large data into assets/",
      ),
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return fail(error("file-unreadable", `"${file}" could not be read: ${reason}`, { file }, "check its permissions"));
  }
  return decodeText(bytes, file, options.empty ?? "error");
}

function decodeText(bytes: Buffer, file: string, empty: "error" | "warning"): ReadText {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return fail(
      error(
        "file-binary",
        `"${file}" looks like a binary file (it contains a NUL byte)`,
        { file, ...positionOfByte(bytes, nul) },
        "save it as plain UTF-8 text, or move binary files into assets/",
      ),
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8Byte(bytes);
    return fail(
      error(
        "file-not-utf8",
        `"${file}" is not valid UTF-8`,
        { file, ...(bad >= 0 ? positionOfByte(bytes, bad) : {}) },
        "re-save the file with UTF-8 encoding",
      ),
    );
  }
  if (text.trim() === "") {
    const make = empty === "error" ? error : warning;
    return {
      text: "",
      diagnostics: [make("file-empty", `"${file}" is empty`, { file }, "write its content or delete the file")],
    };
  }
  return { text, diagnostics: [] };
}

function fail(diagnostic: Diagnostic): ReadText {
  return { diagnostics: [diagnostic] };
}

function fixLink(file: string): string {
  return `replace the symbolic link "${file}" with the file itself; links may only point inside the scenario folder`;
}

function fixInside(file: string): string {
  return `use a path relative to the scenario folder (without ".." or a leading "/"), not "${file}"`;
}

/** 1-based line and byte column of `offset`. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const trailing =
      lead < 0x80
        ? 0
        : lead >= 0xc2 && lead < 0xe0
          ? 1
          : lead >= 0xe0 && lead < 0xf0
            ? 2
            : lead >= 0xf0 && lead < 0xf5
              ? 3
              : -1;
    if (trailing < 0) return i;
    for (let k = 1; k <= trailing; k++) {
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    }
    i += trailing + 1;
  }
  return -1;
}
