// Runs the Circus web server (circus-server.ts) as a child process on 127.0.0.1 with a throw-away SQLite
// database and a sandbox scope of its own, and talks to it over IPC (ready, warm pool full, stop).
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stopProcess } from "./bench-processes";
import {
  type CircusServerMessage,
  type CircusServerRequest,
  circusServerMessageSchema,
} from "./circus-server-protocol";
import { inheritedEnvironment } from "./config";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENTRY = fileURLToPath(new URL("circus-server.ts", import.meta.url));
const START_TIMEOUT_MS = 120_000;

export interface CircusProcessOptions {
  /** Labels everything the server's runtime creates with `circus.bench=<benchRunId>`. */
  benchRunId: string;
  scenariosDir: string;
  /** Started environments kept ready per scenario. */
  warmPoolSize: number;
  /** Serve the Next.js production build (apps/web/.next); else a minimal page that sets the cookies. */
  pages: boolean;
  /** More configuration variables (e.g. CIRCUS_ORCHESTRATOR=swarm and its settings). */
  env?: Record<string, string>;
}

export interface CircusProcess {
  /** http://127.0.0.1:<port> */
  origin: string;
  pid: number;
  /** Resolves once the scenario's warm pool is full. */
  whenPoolFull(scenarioId: string, signal: AbortSignal): Promise<void>;
  /** Shuts the server down (environments stay: the caller removes them by label) and removes its database. */
  stop(): Promise<void>;
}

export async function startCircusProcess(options: CircusProcessOptions): Promise<CircusProcess> {
  const stateDir = await mkdtemp(join(tmpdir(), "circus-bench-"));
  const env: Record<string, string> = {
    HOST: "127.0.0.1",
    PORT: "0",
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    CIRCUS_SCENARIOS_DIR: options.scenariosDir,
    DATABASE_URL: `file:${join(stateDir, "circus.db")}`,
    CIRCUS_SECRET: randomBytes(32).toString("base64url"),
    CIRCUS_WARM_POOL_SIZE: String(options.warmPoolSize),
    // A scope of its own: start-up adopts and reaps only its own scope's environments.
    CIRCUS_SANDBOX_SCOPE: `bench-${options.benchRunId}`,
    CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "1000",
    CIRCUS_STARTS_PER_IP_PER_MINUTE: "10000",
    // Every bench learner comes from 127.0.0.1, and 50 idle workshop sandboxes are far below their limits.
    CIRCUS_ENVIRONMENTS_PER_ADDRESS: "10000",
    CIRCUS_MEMORY_BUDGET_MIB: "262144",
    CIRCUS_CPU_BUDGET: "1000",
    CIRCUS_TERMINAL_SOCKETS_MAX: "100000",
    ...options.env,
  };
  const child = fork(ENTRY, [JSON.stringify({ env, benchRunId: options.benchRunId, pages: options.pages })], {
    cwd: REPO_ROOT,
    execArgv: ["--import", "tsx"],
    // Next's telemetry would call out to the internet.
    env: { ...inheritedEnvironment(), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
  });
  const messages = new MessageWaiter(child);
  const cleanUp = async () => {
    await stopProcess(child);
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    const ready = await messages.next((message) => message.type === "ready", START_TIMEOUT_MS);
    if (ready.type !== "ready") throw new Error("unreachable");
    return {
      origin: `http://127.0.0.1:${ready.port}`,
      pid: child.pid as number,
      async whenPoolFull(scenarioId, signal) {
        const full = messages.next((m) => m.type === "poolFull" && m.scenarioId === scenarioId, 120_000, signal);
        request(child, { type: "whenPoolFull", scenarioId });
        await full;
      },
      async stop() {
        if (child.connected) request(child, { type: "stop" });
        const exited = new Promise((resolve) => child.once("exit", resolve));
        if (child.exitCode === null) await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw new Error(`the Circus server did not start: ${String(error)}\n${stderr}`);
  }
}

function request(child: ChildProcess, message: CircusServerRequest): void {
  child.send(message);
}

/** Waits for IPC messages of the child; a `failed` message or the child's exit rejects every waiter. */
class MessageWaiter {
  readonly #waiters = new Set<{
    match: (m: CircusServerMessage) => boolean;
    settle: (m: CircusServerMessage | Error) => void;
  }>();

  constructor(child: ChildProcess) {
    child.on("message", (raw) => {
      const message = circusServerMessageSchema.parse(raw);
      for (const waiter of [...this.#waiters]) {
        if (message.type === "failed") waiter.settle(new Error(message.message));
        else if (waiter.match(message)) waiter.settle(message);
      }
    });
    child.once("exit", (code) => {
      for (const waiter of [...this.#waiters]) waiter.settle(new Error(`the server exited with code ${code}`));
    });
  }

  next(
    match: (m: CircusServerMessage) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<CircusServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => waiter.settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = () => waiter.settle(new Error("aborted"));
      const waiter = {
        match,
        settle: (outcome: CircusServerMessage | Error) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.#waiters.delete(waiter);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }
}
