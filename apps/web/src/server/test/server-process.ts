// Runs fault-server-process.ts as a child process on 127.0.0.1 for the fault suite, which kills it
// (SIGKILL, SIGTERM) and starts it again on the same port and database.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("fault-server-process.ts", import.meta.url));
const APP_DIR = fileURLToPath(new URL("../../..", import.meta.url));
const START_TIMEOUT_MS = 90_000;

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it wrote to stderr (for failure messages). */
  output(): string;
}

export interface ServerProcessOptions {
  /** The web app's configuration variables (PORT, DATABASE_URL, CIRCUS_SECRET...). */
  env: Record<string, string>;
  testId: string;
  /** Extra variables of the process itself (e.g. DOCKER_HOST for an engine of the test's own). */
  processEnv?: Record<string, string>;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", ENTRY, JSON.stringify({ env: options.env, testId: options.testId })],
    {
      cwd: APP_DIR,
      env: { ...process.env, ...options.processEnv },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-6_000);
  };
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within ${START_TIMEOUT_MS} ms\n${output}`)),
      START_TIMEOUT_MS,
    );
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      stdout += chunk.toString("utf8");
      const match = /listening (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening\n${output}`));
    });
  });
  return { origin: `http://127.0.0.1:${port}`, port, child, exited, output: () => output };
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it is still there (never leaks it). */
export async function stopServerProcess(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill(signal);
  const timer = setTimeout(() => server.child.kill("SIGKILL"), graceMs);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
}
