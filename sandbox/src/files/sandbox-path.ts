// Paths inside a sandbox as authors write them: absolute, or `~`/`~/...` for root's home.
import { posix } from "node:path";
import { InvalidFilePathError } from "../errors";

const HOME = "/root";

/** The absolute, normalised path for `path`; throws InvalidFilePathError for relative or `..` paths. */
export function resolveSandboxPath(path: string): string {
  const expanded = path === "~" ? HOME : path.startsWith("~/") ? `${HOME}/${path.slice(2)}` : path;
  if (!expanded.startsWith("/") || expanded.split("/").includes("..") || expanded.includes("\0")) {
    throw new InvalidFilePathError(path);
  }
  return posix.normalize(expanded);
}
