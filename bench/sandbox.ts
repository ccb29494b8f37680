// The sandbox benchmark: how long a learner waits for a first prompt (cold, warm, under a burst),
// against the engine's own floor, and what an idle environment costs in memory. Everything it makes
// carries `circus.bench=<run id>` and is removed at the end, even when a step fails or is interrupted.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import type Dockerode from "dockerode";
import { pino } from "pino";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { type Environment, parseEnvironmentSpec } from "../sandbox/src/environments/environment";
import { createSandboxRuntime, type SandboxRuntime } from "../sandbox/src/environments/sandbox-runtime";
import { createWarmPool } from "../sandbox/src/pool/warm-pool";
import type { TerminalSession } from "../sandbox/src/terminals/terminal-session";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";
import { containerMemory, findShims, toMiB } from "./sandbox-memory";

const IMAGE = "circus/base:latest";
/** The Engine 20.10 CLI (the `docker` first on PATH may be a newer client). */
const DOCKER_CLI = "/usr/bin/docker";
const BURST = 20;
const IDLE_ENVIRONMENTS = 10;
const TERMINAL_SIZE = { cols: 80, rows: 24 };
const BENCH_LABEL = "circus.bench";

const sandboxBench: BenchModule = { name: "sandbox", run };
export default sandboxBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const labels = { [BENCH_LABEL]: runId };
  const docker = await connectEngine();
  await docker.getImage(IMAGE).inspect();
  const runtime = await createSandboxRuntime({ docker, labels, logger: pino({ level: "silent" }) });
  const spec = { hosts: [{ name: "node1", image: IMAGE }], ttlSeconds: 3600, idleTimeoutSeconds: 3600 };
  const metrics: Record<string, number> = {};
  const { signal, samples } = context;
  try {
    context.log(`sandbox: run ${runId}, ${samples} samples each`);
    // Warm the engine's caches (image layers, the runtime binaries) so the first sample is not an outlier.
    await engineFloorSample(docker, labels);
    await coldStartSample(runtime, spec);

    const floor: number[] = [];
    const floorCreate: number[] = [];
    const cold: number[] = [];
    const coldCreate: number[] = [];
    for (let index = 0; index < samples; index += 1) {
      signal.throwIfAborted();
      // Interleaved, so drift in the machine's load hits both sides of the ratio alike.
      const floorSample = await engineFloorSample(docker, labels);
      floor.push(floorSample.totalMs);
      floorCreate.push(floorSample.createStartMs);
      const coldSample = await coldStartSample(runtime, spec);
      cold.push(coldSample.totalMs);
      coldCreate.push(coldSample.createMs);
    }
    metrics["sandbox.engine_floor_p50_ms"] = round(percentile(floor, 50));
    metrics["sandbox.engine_floor_create_start_p50_ms"] = round(percentile(floorCreate, 50));
    metrics["sandbox.cold_start_p50_ms"] = round(percentile(cold, 50));
    metrics["sandbox.cold_create_p50_ms"] = round(percentile(coldCreate, 50));
    context.log(`sandbox: engine floor and cold start done (${floor.length} + ${cold.length} samples)`);

    const bare: number[] = [];
    for (let index = 0; index < samples; index += 1) {
      signal.throwIfAborted();
      bare.push(await bareDockerRunSample(runId));
    }
    metrics["sandbox.bare_docker_run_p50_ms"] = round(percentile(bare, 50));
    context.log("sandbox: bare docker run done");

    const warm = await warmClaimSamples(runtime, spec, samples, signal);
    metrics["sandbox.warm_claim_p50_ms"] = round(percentile(warm, 50));
    metrics["sandbox.warm_claim_p95_ms"] = round(percentile(warm, 95));
    // The same with the refill racing the claimant's terminal, to show what the refill delay buys.
    const racing = await warmClaimSamples(runtime, spec, samples, signal, 0);
    metrics["sandbox.warm_claim_immediate_refill_p50_ms"] = round(percentile(racing, 50));
    // The web app's pools prime the first terminal: the claim then hands over a live shell.
    const primed = await warmClaimSamples(runtime, spec, samples, signal, undefined, true);
    metrics["sandbox.warm_claim_primed_p50_ms"] = round(percentile(primed, 50));
    metrics["sandbox.warm_claim_primed_p95_ms"] = round(percentile(primed, 95));
    context.log("sandbox: warm claim done");

    const burst = await burstSample(runtime, spec);
    metrics["sandbox.burst20_p95_ms"] = round(percentile(burst.durations, 95));
    metrics["sandbox.burst20_failures"] = burst.failures;
    context.log(`sandbox: burst of ${BURST} done (${burst.failures} failures)`);

    Object.assign(metrics, await idleMemory(runtime, docker, spec, signal));
    context.log("sandbox: idle memory done");
  } finally {
    await removeEverything(runtime, docker, labels);
  }

  return {
    metrics,
    targets: {
      "sandbox.warm_claim_p50_ms": { max: 75, rule: "≤ 75 ms" },
      "sandbox.cold_start_p50_ms": {
        max: round(1.25 * (metrics["sandbox.engine_floor_p50_ms"] ?? Number.NaN)),
        rule: "≤ 1.25 × engine floor",
      },
      "sandbox.burst20_failures": { max: 0, rule: "none" },
      "sandbox.idle_memory_mib_per_env": { max: 15, rule: "≤ 15 MiB" },
    },
  };
}

type Spec = Parameters<SandboxRuntime["create"]>[0];

/** Raw dockerode, nothing else: create + start a container, exec `bash -l` with a TTY, first output byte. */
async function engineFloorSample(docker: Dockerode, labels: Record<string, string>) {
  const started = performance.now();
  const container = await docker.createContainer({
    Image: IMAGE,
    Cmd: ["sleep", "infinity"],
    Labels: labels,
    HostConfig: { NetworkMode: "none" },
  });
  try {
    await container.start();
    const createStartMs = performance.now() - started;
    const exec = await container.exec({
      Cmd: ["bash", "-l"],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ["TERM=xterm-256color"],
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    await new Promise((resolve, reject) => {
      stream.once("data", resolve);
      stream.once("error", reject);
    });
    const totalMs = performance.now() - started;
    stream.destroy();
    return { totalMs, createStartMs };
  } finally {
    await container.remove({ force: true });
  }
}

/** What a learner without a warm pool waits: runtime.create of one host, then a terminal's first byte. */
async function coldStartSample(runtime: SandboxRuntime, spec: Spec) {
  const started = performance.now();
  const environment = await runtime.create(spec);
  const createMs = performance.now() - started;
  try {
    await openTerminalToFirstByte(runtime, environment);
    return { totalMs: performance.now() - started, createMs };
  } finally {
    await runtime.destroy(environment.id);
  }
}

async function bareDockerRunSample(runId: string): Promise<number> {
  const started = performance.now();
  await promisify(execFile)(DOCKER_CLI, [
    "run",
    "--rm",
    "--network",
    "none",
    "--label",
    `${BENCH_LABEL}=${runId}`,
    IMAGE,
    "true",
  ]);
  return performance.now() - started;
}

/** pool.claim + a terminal's first byte, each claim from a full pool (the steady state the pool is for). */
async function warmClaimSamples(
  runtime: SandboxRuntime,
  spec: Spec,
  samples: number,
  signal: AbortSignal,
  refillDelayMs?: number,
  primeFirstTerminal = false,
) {
  const host = parseEnvironmentSpec(spec).hosts[0]?.name ?? "";
  const pool = createWarmPool({
    runtime,
    key: "bench",
    spec,
    size: 2,
    refillDelayMs,
    ...(primeFirstTerminal ? { primeTerminals: [{ host, ...TERMINAL_SIZE }] } : {}),
  });
  const durations: number[] = [];
  try {
    for (let index = 0; index < samples; index += 1) {
      signal.throwIfAborted();
      await pool.whenFull({ signal });
      const started = performance.now();
      const environment = pool.claim(`bench-${index}`);
      if (!environment) throw new Error("the full warm pool had nothing to claim");
      await openTerminalToFirstByte(runtime, environment);
      durations.push(performance.now() - started);
      await runtime.destroy(environment.id);
    }
  } finally {
    await pool.dispose({ destroyUnclaimed: true });
  }
  return durations;
}

async function burstSample(runtime: SandboxRuntime, spec: Spec) {
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: BURST }, async () => {
      const environment = await runtime.create(spec);
      return { environment, ms: performance.now() - started };
    }),
  );
  const created = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  await Promise.all(created.map(({ environment }) => runtime.destroy(environment.id)));
  return { durations: created.map((item) => item.ms), failures: outcomes.length - created.length };
}

async function idleMemory(runtime: SandboxRuntime, docker: Dockerode, spec: Spec, signal: AbortSignal) {
  const environments: Environment[] = [];
  try {
    for (let index = 0; index < IDLE_ENVIRONMENTS; index += 1) {
      signal.throwIfAborted();
      const environment = await runtime.create(spec);
      environments.push(environment);
      await openTerminalToFirstByte(runtime, environment);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let the shells settle
    const shims = await findShims();
    const readings = await Promise.all(
      environments.map((environment) => containerMemory(docker, environment.hosts[0]!.containerId, shims)),
    );
    const sum = (pick: (reading: (typeof readings)[number]) => number) =>
      readings.reduce((total, reading) => total + pick(reading), 0) / readings.length;
    return {
      "sandbox.idle_memory_mib_per_env": toMiB(sum((r) => r.containerBytes + r.shimRssBytes)),
      "sandbox.idle_container_mib_per_env": toMiB(sum((r) => r.containerBytes)),
      "sandbox.idle_shim_rss_mib_per_env": toMiB(sum((r) => r.shimRssBytes)),
      "sandbox.idle_shim_pss_mib_per_env": toMiB(sum((r) => r.shimPssBytes)),
    };
  } finally {
    await Promise.all(environments.map((environment) => runtime.destroy(environment.id)));
  }
}

/** Opens a login shell in the environment's host and resolves when its first output byte reaches a client. */
async function openTerminalToFirstByte(runtime: SandboxRuntime, environment: Environment): Promise<TerminalSession> {
  const session = await runtime
    .environment(environment.id)
    .terminals.open(environment.hosts[0]!.name, "1", { ...TERMINAL_SIZE, graceMs: 600_000 });
  await new Promise<void>((resolve, reject) => {
    const client = session.attach({
      onData: () => resolve(),
      onExit: (exit) => reject(new Error(`the terminal ended before its first byte: ${exit.message}`)),
    });
    void session.exited.then(() => client.dispose());
  });
  return session;
}

/** Destroys what the runtime knows, then sweeps the engine for anything else with this run's label. */
async function removeEverything(runtime: SandboxRuntime, docker: Dockerode, labels: Record<string, string>) {
  await Promise.allSettled(runtime.list().map((environment) => runtime.destroy(environment.id)));
  await runtime.dispose();
  const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.allSettled(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.allSettled(networks.map((network) => docker.getNetwork(network.Id).remove()));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
