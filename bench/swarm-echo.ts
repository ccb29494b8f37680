// Keystroke echo on Swarm as a learner gets it: through HAProxy (the committed docker/haproxy/haproxy.cfg)
// and the web server (CIRCUS_ORCHESTRATOR=swarm, a child process) to a sandbox on a worker, over the
// node's engine (mutual TLS). Beside it, to say where the time goes: the same terminal straight to the web
// server (HAProxy's share), and a shell on the same container straight from the node's engine (the exec
// stream's share), with the machine's load average.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { type HaproxyProcess, startHaproxy } from "../apps/web/src/server/test/haproxy-process";
import { openTerminal } from "../sandbox/src/terminals/open-terminal";
import type { SwarmCluster } from "../sandbox/test/swarm-cluster";
import { ensureHaproxy } from "../scripts/ensure-haproxy";
import { percentile } from "./bench-module";
import { BENCH_SCENARIO_ID, writeBenchCatalog } from "./bench-scenario";
import { BenchLearner } from "./circus-learner";
import { type CircusProcess, startCircusProcess } from "./circus-process";
import { connectCircusTerminal } from "./circus-terminal-probe";
import { measureEcho } from "./terminal-measures";
import { OutputWatcher, type TerminalProbe } from "./terminal-probe";

/** Loopback ports of this bench's own servers (the web server, HAProxy in front of it). */
export interface SwarmEchoPorts {
  web: number;
  proxy: number;
}

export interface SwarmEchoFigures {
  /** Through HAProxy and the web server to the worker: the figure. */
  viaProxy: number[];
  /** Straight to the web server. */
  direct: number[];
  /** A shell on the same container from the node's engine, no web tier. */
  exec: number[];
  /** The 1-minute load average at the start and the end of the measures. */
  loadAverage: [number, number];
}

/**
 * The web server with the Swarm orchestrator against `cluster` and HAProxy in front, and a learner's lab on a
 * worker (the manager is paused meanwhile, so nothing new lands on it).
 */
export async function measureEchoOnSwarm(
  cluster: SwarmCluster,
  scope: string,
  image: string,
  ports: SwarmEchoPorts,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<SwarmEchoFigures> {
  ensureHaproxy();
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-swarm-"));
  const manager = cluster.nodes.find((node) => node.role === "manager");
  if (!manager) throw new Error("the test Swarm has no manager");
  const proxyOrigin = `http://127.0.0.1:${ports.proxy}`;
  let circus: CircusProcess | undefined;
  let haproxy: HaproxyProcess | undefined;
  const probes: TerminalProbe[] = [];
  try {
    const tlsDir = join(folder, "tls");
    await mkdir(tlsDir, { mode: 0o700 });
    await writeFile(join(tlsDir, "ca.pem"), cluster.tls.ca);
    await writeFile(join(tlsDir, "cert.pem"), cluster.tls.cert);
    await writeFile(join(tlsDir, "key.pem"), cluster.tls.key, { mode: 0o600 });
    const scenariosDir = await writeBenchCatalog(folder);
    await setAvailability(cluster.manager, manager.nodeId, "pause");
    circus = await startCircusProcess({
      benchRunId: scope,
      scenariosDir,
      warmPoolSize: 0,
      pages: false,
      env: {
        PORT: String(ports.web),
        CIRCUS_ORCHESTRATOR: "swarm",
        CIRCUS_SWARM_MANAGER: `tcp://${manager.address}:2376`,
        CIRCUS_SWARM_TLS_DIR: tlsDir,
        CIRCUS_REGISTRY: cluster.registry,
        CIRCUS_SWARM_PROBE_IMAGE: image,
        // Learners come through HAProxy; the breakdown also talks to the server directly.
        CIRCUS_ALLOWED_ORIGINS: `${proxyOrigin},http://127.0.0.1:${ports.web}`,
        CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32",
      },
    });
    haproxy = await startHaproxy(ports.proxy, [ports.web]);
    await untilServing(proxyOrigin);
    const learner = new BenchLearner(proxyOrigin);
    await learner.visit();
    const run = await learner.startReadyRun(BENCH_SCENARIO_ID);
    const terminal = run.terminals[0];
    if (!terminal) throw new Error("the bench run has no terminal");
    const loadBefore = loadavg()[0] ?? 0;

    const measureThrough = async (origin: string, what: string) => {
      const probe = await connectCircusTerminal(
        { origin, cookieHeader: learner.cookieHeader, runId: run.id, terminalId: terminal.id, host: terminal.host },
        what,
      );
      probes.push(probe);
      await readyPrompt(probe);
      const echo = await measureEcho(probe, signal);
      log(`  ${what}: echo p50 ${round(percentile(echo, 50))} ms, p99 ${round(percentile(echo, 99))} ms`);
      return echo;
    };
    const viaProxy = await measureThrough(proxyOrigin, "through HAProxy and the web server to the worker");
    const direct = await measureThrough(circus.origin, "straight to the web server (no HAProxy)");

    const placed = await findLabContainer(cluster, `bench-${scope}`);
    log(`  the lab runs on ${placed.node} (a worker: ${placed.worker})`);
    let exec: number[] = [];
    try {
      const execProbe = await sessionProbe(placed.docker, placed.containerId);
      probes.push(execProbe);
      await readyPrompt(execProbe);
      exec = await measureEcho(execProbe, signal);
      log(
        `  straight from the node's engine (exec stream only): echo p50 ${round(percentile(exec, 50))} ms, p99 ${round(percentile(exec, 99))} ms`,
      );
    } catch (error) {
      // The breakdown must not cost the figure: reported as missing, with why.
      log(
        `  straight from the node's engine: not measured (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const loadAfter = loadavg()[0] ?? 0;
    log(`  load average (1 min) ${round(loadBefore)} before, ${round(loadAfter)} after`);
    await learner.stopRun(run.id);
    return { viaProxy, direct, exec, loadAverage: [loadBefore, loadAfter] };
  } finally {
    await Promise.allSettled(probes.map((probe) => probe.close()));
    await haproxy?.stop();
    await circus?.stop();
    await setAvailability(cluster.manager, manager.nodeId, "active").catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}

/** Waits until HAProxy has found the web server healthy (its /readyz checks pass) and forwards to it. */
async function untilServing(origin: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    const response = await fetch(`${origin}/readyz`).catch((error: unknown) => String(error));
    if (typeof response !== "string" && response.ok) return;
    last = typeof response === "string" ? response : `${response.status} ${await response.text()}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`HAProxy did not forward to the web server within 30 s: ${last.slice(0, 300)}`);
}

async function readyPrompt(probe: TerminalProbe): Promise<void> {
  // A new shell prints its prompt; a session another measure used replays its screen: Enter redraws one.
  await probe.output.quiet(300);
  if (!probe.output.promptShown()) probe.send("\r");
  await probe.output.until(() => probe.output.promptShown(), "a prompt", 15_000);
  await probe.output.quiet(200);
}

/** The running container of the bench's lab, on whichever node Swarm placed it. */
async function findLabContainer(
  cluster: SwarmCluster,
  sandboxScope: string,
): Promise<{ node: string; worker: boolean; docker: Dockerode; containerId: string }> {
  for (const node of cluster.nodes) {
    const [container] = await node.docker.listContainers({
      filters: { label: [`circus.scope=${sandboxScope}`], status: ["running"] },
    });
    if (container)
      return { node: node.name, worker: node.role === "worker", docker: node.docker, containerId: container.Id };
  }
  throw new Error(`no running container labelled circus.scope=${sandboxScope} on any node`);
}

/** A login shell on the container from the node's engine, read and typed into by this process. */
async function sessionProbe(docker: Dockerode, containerId: string): Promise<TerminalProbe> {
  const session = await openTerminal(docker, containerId, { cols: 80, rows: 24 });
  const output = new OutputWatcher();
  let ended: string | undefined;
  const client = session.attach({
    onData: (chunk) => {
      output.push(Buffer.from(chunk));
      // Acknowledged after attach() returned (a replay inside attach is acknowledged just below).
      queueMicrotask(() => client.ack(chunk.length));
    },
    onExit: (exit) => {
      ended = exit.message;
    },
  });
  return {
    description: "the node's engine (mutual TLS), exec `bash -l` (TTY), no web tier",
    output,
    send: (text) => client.write(text),
    stall: () => undefined,
    unstall: () => undefined,
    endedBecause: () => ended,
    close: async () => {
      client.dispose();
      await session.dispose();
    },
  };
}

async function setAvailability(manager: Dockerode, nodeId: string, availability: "active" | "pause"): Promise<void> {
  const node = manager.getNode(nodeId);
  const { Version, Spec } = (await node.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
  await node.update({ version: Version.Index, ...Spec, Availability: availability });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
