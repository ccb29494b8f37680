// The commands benchmark: what a Check costs the engine through the per-host command helper against a plain
// exec per command (the same commands, forced onto the exec path with `user: "root"`): execs created (the
// engine's own exec_create events), the engine's CPU (dockerd, containerd, shims, runc) and the latency.
// Everything it makes carries `circus.bench=<run id>` and is removed at the end.
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { pino } from "pino";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { readProcessStat } from "../sandbox/src/engine/process-stat";
import { createSandboxRuntime } from "../sandbox/src/environments/sandbox-runtime";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";

const IMAGE = "circus/base:latest";
const ENVIRONMENTS = 10;
const BENCH_LABEL = "circus.bench";
/** A Check as circus-basics writes them: a test and a hint. */
const CHECK_SCRIPT = 'test -f /root/hello.txt || { echo "Create /root/hello.txt"; exit 1; }';
/** The engine's processes, by the name the kernel gives them (comm is cut at 15 characters). */
const ENGINE_PROCESS = /^(dockerd|containerd|containerd-shim.*|runc)$/;

const commandsBench: BenchModule = { name: "commands", run };
export default commandsBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  const runtime = await createSandboxRuntime({
    docker,
    labels: { [BENCH_LABEL]: runId },
    logger: pino({ level: "silent" }),
  });
  const rounds = Math.max(5, context.samples);
  const metrics: Record<string, number> = {};
  try {
    const spec = { hosts: [{ name: "node1", image: IMAGE }], ttlSeconds: 3600, idleTimeoutSeconds: 3600 };
    const environments = await Promise.all(
      Array.from({ length: ENVIRONMENTS }, () => runtime.create(spec).then((made) => runtime.environment(made.id))),
    );
    context.log(`commands: ${ENVIRONMENTS} environments, ${rounds} rounds of a Check on each, per path`);
    for (const [path, user] of [
      ["helper", undefined],
      ["exec", "root"],
    ] as const) {
      // One command first: the helper path opens its helper there (once per host).
      await Promise.all(environments.map((environment) => environment.commands.run("node1", { argv: ["true"] })));
      const events = await countExecCreates(docker, runId);
      const cpuBefore = await engineCpuMs();
      const latencies: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        context.signal.throwIfAborted();
        await Promise.all(
          environments.map(async (environment) => {
            const started = performance.now();
            const result = await environment.commands.run("node1", {
              script: CHECK_SCRIPT,
              ...(user ? { user } : {}),
            });
            if (result.exitCode !== 1) throw new Error(`the Check answered ${result.exitCode}: ${result.stderr}`);
            latencies.push(performance.now() - started);
          }),
        );
      }
      const cpuMs = (await engineCpuMs()) - cpuBefore;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const checks = rounds * ENVIRONMENTS;
      metrics[`commands.exec_creates_per_check_${path}`] = round2(events.stop() / checks);
      metrics[`commands.engine_cpu_ms_per_check_${path}`] = round2(cpuMs / checks);
      metrics[`commands.check_p50_ms_${path}`] = round2(percentile(latencies, 50));
      metrics[`commands.check_p95_ms_${path}`] = round2(percentile(latencies, 95));
      context.log(
        `commands: ${path}: ${metrics[`commands.exec_creates_per_check_${path}`]} execs, ` +
          `${metrics[`commands.engine_cpu_ms_per_check_${path}`]} ms engine CPU per Check, ` +
          `p50/p95 ${metrics[`commands.check_p50_ms_${path}`]}/${metrics[`commands.check_p95_ms_${path}`]} ms`,
      );
    }
  } finally {
    await runtime.dispose();
    const containers = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${runId}`] } });
    await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
    const networks = await docker.listNetworks({ filters: { label: [`${BENCH_LABEL}=${runId}`] } });
    await Promise.all(
      networks.map((network) =>
        docker
          .getNetwork(network.Id)
          .remove()
          .catch(() => undefined),
      ),
    );
  }
  return {
    metrics,
    targets: {
      "commands.exec_creates_per_check_helper": { max: 0.05, rule: "≤ 0.05 (one exec per host, not per Check)" },
    },
  };
}

/** Counts the exec_create events of the bench's containers from now on. */
async function countExecCreates(
  docker: Awaited<ReturnType<typeof connectEngine>>,
  runId: string,
): Promise<{ stop(): number }> {
  const stream = (await docker.getEvents({
    filters: { label: [`${BENCH_LABEL}=${runId}`], event: ["exec_create"] },
  })) as Readable;
  let count = 0;
  stream.on("data", (chunk: Buffer) => {
    count += chunk.toString("utf8").split('"Action":"exec_create').length - 1;
  });
  return {
    stop() {
      stream.destroy();
      return count;
    },
  };
}

/**
 * CPU time (user + system, ms) the engine's processes have used so far, with their reaped children's (each
 * exec's short-lived runc is reaped by its shim).
 */
async function engineCpuMs(): Promise<number> {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readProcessStat(entry);
    if (!stat || !ENGINE_PROCESS.test(stat.name)) continue;
    ticks += stat.userTicks + stat.systemTicks + stat.childrenUserTicks + stat.childrenSystemTicks;
  }
  return (ticks * 1000) / ticksPerSecond;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
