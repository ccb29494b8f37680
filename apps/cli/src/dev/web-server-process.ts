// The web app for `circus dev`: built with turbo (cached, so only the first run or a changed app takes
// time), then its server started as a child process in dev-scenario mode, its JSON log turned into
// short lines for the author, and stopped with SIGTERM (it removes nothing; the sandbox stays for later).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CliError } from "../cli-errors";
import { childEnvironment } from "../config";
import type { LiveStatus } from "./live-status";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const WEB_DIR = fileURLToPath(new URL("../../../web/", import.meta.url));
const QUIET_TOOLS = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", NEXT_TELEMETRY_DISABLED: "1" };

/** Runs `turbo run build --filter=@circus/web`, showing its output as a live status. */
export async function buildWebApp(live: LiveStatus, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  live.line("» building the web app (turbo; cached when nothing changed)");
  const child = spawn("npx", ["turbo", "run", "build", "--filter=@circus/web", "--output-logs=errors-only"], {
    cwd: REPO_ROOT,
    env: childEnvironment(QUIET_TOOLS),
    stdio: ["ignore", "pipe", "pipe"],
    signal,
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      output.push(line);
      live.status(`  ${line}`);
    });
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    live.clear();
    throw new CliError(
      "web-build-failed",
      `building the web app failed (exit code ${code}):\n${output.slice(-20).join("\n")}`,
      "fix the error above (or run `npx turbo run build --filter=@circus/web` to see all of it), then run circus dev again",
    );
  }
  live.line(`✓ web app built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export interface WebServerOptions {
  /** Absolute folder of the scenario (CIRCUS_DEV_SCENARIO). */
  scenarioDir: string;
  host: string;
  port: number;
  /** SQLite URL of the dev database, kept apart from `npm start`'s so their runs never mix. */
  databaseUrl: string;
  live: LiveStatus;
}

export interface WebServerProcess {
  /** Resolves when the server logs `ready`; rejects with a CliError when it exits first. */
  readonly ready: Promise<void>;
  /** The exit code once the server has stopped. */
  readonly exited: Promise<number | null>;
  /** Asks the server to shut down (SIGTERM, as Ctrl-C does). */
  stop(): void;
}

export function startWebServer(options: WebServerOptions): WebServerProcess {
  const { live } = options;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: WEB_DIR,
    env: childEnvironment({
      ...QUIET_TOOLS,
      NODE_ENV: "production",
      HOST: options.host,
      PORT: String(options.port),
      CIRCUS_DEV_SCENARIO: options.scenarioDir,
      DATABASE_URL: options.databaseUrl,
      // Its own sandbox scope: it adopts and reaps only its own environments, never `npm start`'s.
      CIRCUS_SANDBOX_SCOPE: "circus-dev",
      // A warm pool would hold environments made from the scenario as it was at start.
      CIRCUS_WARM_POOL_SIZE: "0",
      LOG_LEVEL: "info",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    child.on("error", reject);
    void exited.then((code) =>
      reject(
        new CliError(
          "web-server-stopped",
          `the web server stopped before it was ready (exit code ${code})`,
          `see its output above; when port ${options.port} is taken, pass another with --port`,
        ),
      ),
    );
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const entry = parseLogLine(line);
    if (!entry) return live.line(line);
    if (entry.msg === "ready") markReady();
    const text = describeLogEntry(entry);
    if (text) live.line(text);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => live.line(line));
  return {
    ready,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

interface LogEntry {
  level: number;
  msg?: string;
  module?: string;
  version?: number;
  errors?: string[];
  err?: { message?: string };
}

function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === "object" && value !== null && typeof (value as LogEntry).level === "number"
      ? (value as LogEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The lines an author cares about: reloads, validation errors, warnings and failures. */
function describeLogEntry(entry: LogEntry): string | undefined {
  if (entry.module === "dev-scenario" && entry.msg === "scenario reloaded")
    return `↻ reloaded (version ${entry.version})`;
  if (entry.module === "dev-scenario" && entry.msg === "scenario invalid") {
    return [
      `✗ the scenario does not load (the page shows the errors):`,
      ...(entry.errors ?? []).map((e) => `    ${e}`),
    ].join("\n");
  }
  if (entry.level >= 50) return `✗ ${entry.msg ?? "error"}${entry.err?.message ? `: ${entry.err.message}` : ""}`;
  if (entry.level >= 40) return `! ${entry.msg ?? "warning"}`;
  return undefined;
}
