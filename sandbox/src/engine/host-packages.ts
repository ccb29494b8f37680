// Finds host programs and installs missing ones from Debian's archive with apt-get, the way
// the project's machines get Docker and debootstrap: only as root, only when allowed.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { ToolMissingError } from "../errors";
import { executableSearchPath } from "./config";
import { runCommand } from "./run-command";

/** Progress of setting up the host: a step Circus takes, or a line of a program it runs. */
export type HostSetupEvent =
  | { type: "step"; message: string }
  | { type: "output"; source: "apt-get" | "dockerd" | "debootstrap" | "tar"; line: string };

export interface EnsureHostToolOptions {
  /** Install the package when the program is missing. Default: true. */
  allowInstall?: boolean;
  onProgress?: (event: HostSetupEvent) => void;
  signal?: AbortSignal;
}

/** The absolute path of `name` on the search path, or undefined. */
export async function findExecutable(name: string): Promise<string | undefined> {
  for (const dir of executableSearchPath()) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder: try the next one
    }
  }
  return undefined;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Returns the path of `tool`, installing Debian package `debianPackage` first when the tool is
 * missing, we are root and apt-get exists. `apt-get update` runs only when apt does not know the package yet.
 */
export async function ensureHostTool(
  tool: string,
  debianPackage: string,
  options: EnsureHostToolOptions = {},
): Promise<string> {
  const found = await findExecutable(tool);
  if (found) return found;
  if (options.allowInstall === false) {
    throw new ToolMissingError(tool, debianPackage, "it is not installed and installing was not allowed");
  }
  if (!isRoot()) {
    throw new ToolMissingError(
      tool,
      debianPackage,
      `it is not installed and uid ${process.getuid?.()} cannot install it`,
    );
  }
  const aptGet = await findExecutable("apt-get");
  const aptCache = await findExecutable("apt-cache");
  if (!aptGet || !aptCache) {
    throw new ToolMissingError(tool, debianPackage, "it is not installed and this machine has no apt-get");
  }
  const onLine = (line: string) => options.onProgress?.({ type: "output", source: "apt-get", line });
  const aptGetRun = (args: string[]) =>
    runCommand(aptGet, ["-o", "DPkg::Lock::Timeout=300", ...args], {
      env: { DEBIAN_FRONTEND: "noninteractive" },
      onLine,
      signal: options.signal,
    });
  const update = async () => {
    options.onProgress?.({ type: "step", message: "apt-get update" });
    const outcome = await aptGetRun(["update"]);
    if (outcome.exitCode !== 0) {
      throw new ToolMissingError(tool, debianPackage, `apt-get update failed:\n${outcome.tail.join("\n")}`);
    }
  };
  // Update the package lists only when apt does not know the package, or when they proved stale.
  const known = await runCommand(aptCache, ["show", "--no-all-versions", debianPackage], { signal: options.signal });
  let updated = false;
  if (known.exitCode !== 0) {
    await update();
    updated = true;
  }
  options.onProgress?.({ type: "step", message: `apt-get install -y ${debianPackage}` });
  let install = await aptGetRun(["install", "-y", debianPackage]);
  if (install.exitCode !== 0 && !updated) {
    await update();
    install = await aptGetRun(["install", "-y", debianPackage]);
  }
  if (install.exitCode !== 0) {
    throw new ToolMissingError(tool, debianPackage, `apt-get install failed:\n${install.tail.join("\n")}`);
  }
  const installed = await findExecutable(tool);
  if (!installed) {
    throw new ToolMissingError(tool, debianPackage, `the package installed but ${tool} is still not on the path`);
  }
  return installed;
}
