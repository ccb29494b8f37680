// wetty (npm) as a peer of the terminal benchmark: installed at bench time into .circus/bench-peers/wetty
// (never a repo dependency), run on 127.0.0.1, and driven through its socket.io protocol like its page does.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, stopProcess, waitForHttp } from "./bench-processes";
import { inheritedEnvironment } from "./config";
import { OutputWatcher, type TerminalProbe } from "./terminal-probe";

/** The newest wetty; its engines field says Node >= 20, and its one native part (node-pty) compiles locally. */
export const WETTY_VERSION = "3.2.0";
const SOCKET_IO_CLIENT_VERSION = "4.8.3";
/** wetty's page commits (acknowledges) output in steps of this many characters. */
const COMMIT_CHARS = 262_144;

export interface WettyServer {
  pid: number;
  port: number;
  prefix: string;
  child: ChildProcess;
}

/** Installs wetty into `prefix` unless it is there; returns why it cannot run, or undefined when it can. */
export async function installWetty(prefix: string, log: (line: string) => void): Promise<string | undefined> {
  const installed = join(prefix, "node_modules", "wetty", "package.json");
  const version = existsSync(installed)
    ? (JSON.parse(readFileSync(installed, "utf8")) as { version: string }).version
    : "";
  if (version !== WETTY_VERSION) {
    log(`installing wetty@${WETTY_VERSION} into ${prefix}`);
    try {
      await promisify(execFile)(
        "npm",
        [
          "install",
          "--prefix",
          prefix,
          `wetty@${WETTY_VERSION}`,
          `socket.io-client@${SOCKET_IO_CLIENT_VERSION}`,
          "--no-audit",
          "--no-fund",
        ],
        { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 },
      );
    } catch (error) {
      return `npm install wetty@${WETTY_VERSION} failed: ${String(error).slice(0, 300)}`;
    }
  }
  // node-pty's install script builds it from source with node-gyp against the local Node headers.
  if (!existsSync(join(prefix, "node_modules", "node-pty", "build", "Release", "pty.node"))) {
    return "node-pty (wetty's PTY) was not built by its install script";
  }
  return undefined;
}

/** Starts wetty on a free loopback port with `command` as every terminal's program. */
export async function startWetty(prefix: string, command: string[]): Promise<WettyServer> {
  const port = await freePort();
  const main = join(prefix, "node_modules", "wetty", "build", "main.js");
  // As root on localhost wetty runs `/usr/bin/env -S <command>` in a node-pty PTY (no login, no ssh).
  const child = spawn(
    process.execPath,
    [main, "--host", "127.0.0.1", "--port", String(port), "--base", "/wetty/", "--command", command.join(" ")],
    { env: { ...inheritedEnvironment(), NODE_ENV: "production" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2_000);
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/wetty/`, 30_000, child);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`wetty did not start: ${String(error)} ${stderr}`);
  }
  return { pid: child.pid as number, port, prefix, child };
}

/** The socket.io surface the probe uses (socket.io-client is loaded from the wetty prefix at run time). */
interface SocketIoSocket {
  on(event: string, listener: (...args: never[]) => void): void;
  once(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  disconnect(): void;
  io: { engine: { transport: { ws?: { pause(): void; resume(): void } } } };
}
type SocketIoConnect = (url: string, options: Record<string, unknown>) => SocketIoSocket;

/** wetty's page protocol: `input` and `resize` out; `data` in, with a `commit` per 256 Ki characters written. */
export async function connectWetty(server: WettyServer, description: string): Promise<TerminalProbe> {
  const require = createRequire(join(server.prefix, "package.json"));
  const { io } = require("socket.io-client") as { io: SocketIoConnect };
  // The page starts with long-polling and upgrades; the bench takes the upgraded path from the start.
  const socket = io(`http://127.0.0.1:${server.port}`, {
    path: "/wetty/socket.io",
    transports: ["websocket"],
    reconnection: false,
  });
  const output = new OutputWatcher();
  let ended: string | undefined;
  socket.on("disconnect", (reason: string) => {
    ended = `socket.io disconnect: ${reason}`;
  });
  socket.on("logout", () => {
    ended = "wetty sent logout (its shell ended)";
  });
  let uncommitted = 0;
  let stalled = false;
  socket.on("data", (data: string) => {
    uncommitted += data.length;
    output.push(data);
    while (!stalled && uncommitted >= COMMIT_CHARS) {
      uncommitted -= COMMIT_CHARS;
      socket.emit("commit", COMMIT_CHARS);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("wetty sent no login within 15 s")), 15_000);
    socket.once("login", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  socket.emit("resize", { cols: 80, rows: 24 });
  return {
    description,
    output,
    send: (text) => socket.emit("input", text),
    stall: () => {
      stalled = true;
      socket.io.engine.transport.ws?.pause();
    },
    unstall: () => {
      stalled = false;
      socket.io.engine.transport.ws?.resume();
      while (uncommitted >= COMMIT_CHARS) {
        uncommitted -= COMMIT_CHARS;
        socket.emit("commit", COMMIT_CHARS);
      }
    },
    endedBecause: () => ended,
    close: async () => {
      socket.disconnect();
    },
  };
}
