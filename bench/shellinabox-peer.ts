// shellinabox (Debian) as a peer of the terminal benchmark: installed with apt-get when missing, run on
// 127.0.0.1 without SSL, and driven through its page's HTTP long-poll protocol (form-encoded POSTs).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { Agent, request } from "node:http";
import { promisify } from "node:util";
import { z } from "zod";
import { freePort, stopProcess, waitForHttp } from "./bench-processes";
import { inheritedEnvironment } from "./config";
import { OutputWatcher, type TerminalProbe } from "./terminal-probe";

const DAEMON = "/usr/bin/shellinaboxd";
const answerSchema = z.object({ session: z.string().optional(), data: z.string().optional() });

export interface ShellInABoxServer {
  pid: number;
  port: number;
  child: ChildProcess;
}

/** Installs Debian's shellinabox unless present; returns why it cannot run, or undefined when it can. */
export async function installShellInABox(log: (line: string) => void): Promise<string | undefined> {
  if (existsSync(DAEMON)) return undefined;
  if (process.getuid?.() !== 0) return "shellinabox is not installed and apt-get needs root";
  log("installing shellinabox with apt-get");
  try {
    await promisify(execFile)("apt-get", ["install", "-y", "--no-install-recommends", "shellinabox"], {
      env: { ...inheritedEnvironment(), DEBIAN_FRONTEND: "noninteractive" },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
  } catch (error) {
    return `apt-get install shellinabox failed: ${String(error).slice(0, 300)}`;
  }
  return existsSync(DAEMON) ? undefined : "apt-get installed shellinabox but there is no shellinaboxd";
}

/** Starts shellinaboxd on a free loopback port with one service at `/` running `command` as root. */
export async function startShellInABox(command: string[]): Promise<ShellInABoxServer> {
  const port = await freePort();
  // Service syntax: <url-path>:<user>:<group>:<cwd>:<command line>; the command must hold no colon.
  const service = `/:root:root:/:${command.join(" ")}`;
  const child = spawn(
    DAEMON,
    [
      "--disable-ssl",
      "--localhost-only",
      "--port",
      String(port),
      "--disable-peer-check",
      "--no-beep",
      "--quiet",
      "--service",
      service,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 15_000, child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { pid: child.pid as number, port, child };
}

/**
 * The page's protocol: a first POST opens a session; then one long-poll POST is always outstanding and
 * its answer carries new output; keystrokes go in separate POSTs as hex. A stalled client stops polling.
 */
export async function connectShellInABox(server: ShellInABoxServer, description: string): Promise<TerminalProbe> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const origin = `http://127.0.0.1:${server.port}`;
  const size = "width=80&height=24";
  const output = new OutputWatcher();
  const first = answerSchema.parse(
    JSON.parse(await post(agent, origin, `${size}&rooturl=${encodeURIComponent(`${origin}/`)}`)),
  );
  const session = first.session;
  if (!session) throw new Error("shellinabox opened no session");
  if (first.data) output.push(first.data);
  let stalled = false;
  let closed = false;
  let polling = false;
  let ended: string | undefined;
  let keys = Promise.resolve();
  const poll = async () => {
    polling = true;
    while (!stalled && !closed) {
      const answer = answerSchema.parse(
        JSON.parse(await post(agent, origin, `${size}&session=${encodeURIComponent(session)}`)),
      );
      if (answer.data) output.push(answer.data);
      if (answer.session !== session) {
        ended = "shellinabox ended the session";
        break;
      }
    }
    polling = false;
  };
  const pollSafely = () =>
    void poll().catch((error: unknown) => {
      polling = false;
      ended = `poll failed: ${String(error)}`;
    });
  pollSafely();
  return {
    description,
    output,
    send: (text) => {
      const hex = Buffer.from(text, "utf8").toString("hex").toUpperCase();
      const body = `${size}&session=${encodeURIComponent(session)}&keys=${hex}`;
      // The page queues keystrokes while one POST is in flight; so does the bench.
      keys = keys.then(() => post(agent, origin, body).then(() => undefined)).catch(() => undefined);
    },
    stall: () => {
      stalled = true;
    },
    unstall: () => {
      stalled = false;
      if (!polling) pollSafely();
    },
    endedBecause: () => ended,
    close: async () => {
      closed = true;
      agent.destroy();
    },
  };
}

function post(agent: Agent, origin: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-www-form-urlencoded; charset=utf-8",
          "content-length": Buffer.byteLength(body),
          "cache-control": "no-cache",
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
