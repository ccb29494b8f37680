// The web server as `npm start` runs it (apps/web/server.ts, NODE_ENV=production), as a child process
// on loopback for the benchmarks that measure the whole deployment; and removal of its sandbox scope.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { removeNetwork } from "../sandbox/src/environments/remove-environment";
import { inheritedEnvironment } from "./config";

const APP_DIR = new URL("../apps/web/", import.meta.url).pathname;

/** Starts server.ts on 127.0.0.1:`port` with `env` on top of the defaults (stdout dropped, stderr shown). */
export function startWebServer(options: { port: number; env: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: APP_DIR,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...inheritedEnvironment(),
      PORT: String(options.port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
  });
}

export async function waitReady(origin: string, server: ChildProcess, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} while starting`);
    const status = await fetch(`${origin}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await delay(250);
  }
  throw new Error("the server was not ready within 2 minutes");
}

/** SIGTERM by PID (the server keeps environments for a successor; removeScope deletes them after). */
export async function stopWebServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null || server.pid === undefined) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Removes every container and network labelled `circus.scope=<scope>`; answers how many containers were left. */
export async function removeScope(scope: string): Promise<number> {
  const docker = await connectEngine();
  const filters = JSON.stringify({ label: [`circus.scope=${scope}`] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.allSettled(containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters });
  // removeNetwork also takes the shared image registry off a Docker-enabled environment's network first.
  await Promise.allSettled(networks.map((info) => removeNetwork(docker, info.Id)));
  return containers.length;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
