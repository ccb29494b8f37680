// Test support: runs the real `circus` executable (bin/circus.mjs) as a child process, the way
// users and CI run it, and captures its exit code and output.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CIRCUS_BIN = fileURLToPath(new URL("../../bin/circus.mjs", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface CircusRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCircusOptions {
  /** Working directory. Default: the repository root. */
  cwd?: string;
  /** Extra environment; CIRCUS_DEBUG and NO_COLOR are cleared unless given here. */
  env?: Record<string, string>;
}

export function runCircus(args: readonly string[], options: RunCircusOptions = {}): Promise<CircusRun> {
  const { CIRCUS_DEBUG: _debug, NO_COLOR: _noColor, ...inherited } = process.env;
  const child = spawn(process.execPath, [CIRCUS_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...inherited, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
