// Runs the chores of `npm start` and `npm test` as named steps: each is a child process with its
// output streamed, its duration recorded, and a summary table at the end.
import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

export interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed?: number;
  failed?: number;
  note?: string;
}

export interface StepOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `command args` from the repo root, inheriting stdio; resolves with its exit code. */
export function runCommand(command: string, args: string[], options: StepOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, ...options.env },
    });
    // Ctrl-C (or a SIGTERM) stops the running step and then the whole run, not just this step.
    let interrupted: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      interrupted = signal;
      child.kill(signal);
    };
    process.once("SIGINT", forward);
    process.once("SIGTERM", forward);
    child.on("error", (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      if (interrupted) {
        console.error(`\nstopped by ${interrupted}`);
        process.exit(130);
      }
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

export async function step(
  name: string,
  body: () => Promise<number | Omit<StepResult, "name" | "seconds">>,
): Promise<StepResult> {
  console.log(`\n» ${name}`);
  const started = performance.now();
  const outcome = await body();
  const seconds = (performance.now() - started) / 1000;
  const result: StepResult =
    typeof outcome === "number" ? { name, seconds, ok: outcome === 0 } : { name, seconds, ...outcome };
  console.log(`${result.ok ? "✓" : "✗"} ${name} (${seconds.toFixed(1)} s)${result.note ? `: ${result.note}` : ""}`);
  return result;
}

export function printSummary(results: StepResult[]): void {
  console.log("\nstep                              result   time");
  for (const r of results) {
    const counts = r.passed === undefined ? "" : `  ${r.passed} passed, ${r.failed ?? 0} failed`;
    console.log(
      `${r.name.padEnd(34)}${(r.ok ? "ok" : "FAILED").padEnd(9)}${r.seconds.toFixed(1).padStart(6)} s${counts}`,
    );
  }
}
