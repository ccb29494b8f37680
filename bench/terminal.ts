// Terminal benchmark: keystroke echo, bulk output, Ctrl-C under a flood and server memory behind a stalled
// client, for Circus (its real server as a child process, a run made through the API, the real terminal
// WebSocket) and, side by side, wetty and shellinabox running the same shell in the same kind of container.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { environmentSpecFor } from "@circus/lab";
import { connectEngine, createSandboxRuntime, type SandboxRuntime } from "@circus/sandbox";
import { loadScenario } from "@circus/scenario";
import { pino } from "pino";
import type { BenchContext, BenchModule, BenchResult, BenchTarget } from "./bench-module";
import { stopProcess } from "./bench-processes";
import {
  BENCH_HOST,
  BENCH_IMAGE,
  BENCH_LABEL,
  BENCH_SCENARIO_ID,
  removeBenchResources,
  writeBenchCatalog,
} from "./bench-scenario";
import { startCircusProcess } from "./circus-process";
import { startRunWithTerminal } from "./circus-terminal-probe";
import { connectShellInABox, installShellInABox, startShellInABox } from "./shellinabox-peer";
import { ECHO_KEYSTROKES, measureTerminal, type TerminalFigures } from "./terminal-measures";
import type { TerminalProbe } from "./terminal-probe";
import { connectWetty, installWetty, startWetty, WETTY_VERSION } from "./wetty-peer";

/** The Engine 20.10 CLI (the `docker` first on PATH may be a newer client). */
const DOCKER_CLI = "/usr/bin/docker";
const WETTY_PREFIX = fileURLToPath(new URL("../.circus/bench-peers/wetty", import.meta.url));
const ECHO_TARGET_MS = 5;
const PEERS = ["wetty", "shellinabox"] as const;
type PeerName = (typeof PEERS)[number];

const terminalBench: BenchModule = { name: "terminal", run };
export default terminalBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const { signal, log } = context;
  const runId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  await docker.getImage(BENCH_IMAGE).inspect();
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-terminal-"));
  const metrics: Record<string, number> = {};
  const peerFigures = new Map<PeerName, TerminalFigures>();
  let runtime: SandboxRuntime | undefined;
  try {
    const scenariosDir = await writeBenchCatalog(folder);
    log(`terminal: run ${runId} (${BENCH_LABEL}=${runId}), ${ECHO_KEYSTROKES} keystrokes per terminal`);
    Object.assign(metrics, prefixed("terminal", await measureCircus(scenariosDir, runId, context)));

    const { scenario } = await loadScenario(join(scenariosDir, BENCH_SCENARIO_ID));
    if (!scenario) throw new Error("the bench scenario did not load");
    runtime = await createSandboxRuntime({
      docker,
      labels: { [BENCH_LABEL]: runId },
      logger: pino({ level: "silent" }),
    });
    const spec = environmentSpecFor(scenario, { ttlSeconds: 3600, idleTimeoutSeconds: 3600 });
    for (const peer of PEERS) {
      signal.throwIfAborted();
      // A fresh environment per peer, made by the sandbox runtime: the very isolation flags of Circus's hosts.
      const environment = await runtime.create(spec);
      const containerId = runtime.containerOf(environment.id, BENCH_HOST);
      const command = [
        DOCKER_CLI,
        "exec",
        "-it",
        "-e",
        "TERM=xterm-256color",
        "-e",
        "LANG=C.UTF-8",
        containerId,
        "bash",
        "-l",
      ];
      try {
        const figures = await measurePeer(peer, command, context);
        if (figures) {
          peerFigures.set(peer, figures);
          Object.assign(metrics, prefixed(`peers.${peer}.terminal`, figures));
        }
      } catch (error) {
        if (signal.aborted) throw error;
        log(`${peer}: failed, left out: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await runtime.destroy(environment.id);
      }
    }
  } finally {
    runtime?.dispose();
    await removeBenchResources(docker, runId);
    await rm(folder, { recursive: true, force: true });
  }
  return { metrics, targets: targetsOf(metrics, peerFigures) };
}

async function measureCircus(scenariosDir: string, runId: string, context: BenchContext): Promise<TerminalFigures> {
  const circus = await startCircusProcess({ benchRunId: runId, scenariosDir, warmPoolSize: 1, pages: false });
  let probe: TerminalProbe | undefined;
  try {
    const ready = await startRunWithTerminal(
      circus.origin,
      BENCH_SCENARIO_ID,
      "Circus: apps/web server (child process, pid RSS measured) → Engine API exec `bash -l` (TTY) in a circus/base " +
        "sandbox; client: `ws` on /ws/terminal, binary keystrokes, acks each output frame on receipt",
    );
    probe = ready.probe;
    context.log(probe.description);
    const figures = await measureTerminal(probe, { signal: context.signal, log: context.log, serverPid: circus.pid });
    context.log(`circus: ${JSON.stringify(figures)}`);
    await probe.close();
    probe = undefined;
    await ready.learner.stopRun(ready.run.id);
    return figures;
  } finally {
    await probe?.close();
    await circus.stop();
  }
}

async function measurePeer(
  peer: PeerName,
  command: string[],
  context: BenchContext,
): Promise<TerminalFigures | undefined> {
  const { log } = context;
  if (peer === "wetty") {
    await mkdir(WETTY_PREFIX, { recursive: true });
    const unavailable = await installWetty(WETTY_PREFIX, log);
    if (unavailable) {
      log(`wetty: unavailable: ${unavailable}`);
      return undefined;
    }
    const server = await startWetty(WETTY_PREFIX, command);
    try {
      const probe = await connectWetty(
        server,
        `wetty ${WETTY_VERSION} (npm, Node ${process.version}, pid RSS measured): node-pty runs \`/usr/bin/env -S ${command.join(" ")}\`; ` +
          "client: socket.io-client (websocket transport) emitting `input`, reading `data`, `commit` per 256 Ki chars",
      );
      return await measureWith(peer, probe, server.pid, context);
    } finally {
      await stopProcess(server.child);
    }
  }
  const unavailable = await installShellInABox(log);
  if (unavailable) {
    log(`shellinabox: unavailable: ${unavailable}`);
    return undefined;
  }
  const server = await startShellInABox(command);
  try {
    const probe = await connectShellInABox(
      server,
      `shellinabox (Debian shellinaboxd, --disable-ssl, pid RSS of the HTTP server process measured): service runs \`${command.join(" ")}\` ` +
        "as root in its PTY; client: its page's long-poll protocol (form POSTs: one poll always outstanding, keys as hex)",
    );
    return await measureWith(peer, probe, server.pid, context);
  } finally {
    await stopProcess(server.child);
  }
}

async function measureWith(peer: PeerName, probe: TerminalProbe, pid: number, context: BenchContext) {
  context.log(probe.description);
  try {
    const figures = await measureTerminal(probe, { signal: context.signal, log: context.log, serverPid: pid });
    context.log(`${peer}: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await probe.close();
  }
}

function prefixed(prefix: string, figures: TerminalFigures): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).map(([name, value]) => [`${prefix}.${name}`, value]));
}

function targetsOf(
  metrics: Record<string, number>,
  peers: Map<PeerName, TerminalFigures>,
): Record<string, BenchTarget> {
  const targets: Record<string, BenchTarget> = {};
  const peerEchoes = [...peers.values()].map((figures) => figures.echo_p99_ms);
  targets["terminal.echo_p99_ms"] = {
    max: Math.min(ECHO_TARGET_MS, ...peerEchoes),
    rule: `≤ ${ECHO_TARGET_MS} ms and ≤ each peer's p99 (${[...peers.keys()].join(", ") || "no peer ran"})`,
  };
  const circusThroughput = metrics["terminal.throughput_mb_s"];
  const bestPeer = Math.max(...[...peers.values()].map((figures) => figures.throughput_mb_s));
  if (circusThroughput !== undefined && peers.size > 0) {
    // The harness checks upper bounds only: "throughput ≥ the best peer" is "best peer ÷ Circus ≤ 1".
    metrics["terminal.best_peer_throughput_ratio"] = Math.round((bestPeer / circusThroughput) * 100) / 100;
    targets["terminal.best_peer_throughput_ratio"] = { max: 1, rule: "Circus throughput ≥ best peer's" };
  }
  return targets;
}
