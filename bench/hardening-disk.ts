// The disk-quota part of the hardening benchmark: how long a host that writes past its writable-layer quota goes on
// writing before the runtime stops it (default quota and check interval). Everything it makes
// carries `circus.bench=<run id>` and is removed at the end, even when a sample fails.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { pino } from "pino";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { DEFAULT_DISK_MIB } from "../sandbox/src/environments/environment";
import { createSandboxRuntime, type SandboxRuntime } from "../sandbox/src/environments/sandbox-runtime";
import { type BenchContext, type BenchResult, percentile } from "./bench-module";

const IMAGE = "circus/base:latest";
const BENCH_LABEL = "circus.bench";
/** Each sample writes a little more than the default quota (2 GiB): a few samples are plenty. */
const MAX_SAMPLES = 3;
const CHUNK_MIB = 16;
const SAMPLE_TIMEOUT_MS = 120_000;

/** `hardening.disk_fill_stopped_s`, part of the `hardening` module (bench/hardening.ts). */
export async function measureDiskFill(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  await docker.getImage(IMAGE).inspect();
  const runtime = await createSandboxRuntime({
    docker,
    labels: { [BENCH_LABEL]: runId },
    logger: pino({ level: "silent" }),
  });
  try {
    const stopped: number[] = [];
    for (let index = 0; index < Math.min(context.samples, MAX_SAMPLES); index += 1) {
      context.signal.throwIfAborted();
      const seconds = await measureDiskFillStopped(runtime, docker, context.signal);
      context.log(`disk fill sample ${index + 1}: writer stopped ${seconds.toFixed(2)} s after passing the quota`);
      stopped.push(seconds);
    }
    return {
      metrics: { "hardening.disk_fill_stopped_s": Math.round(percentile(stopped, 100) * 100) / 100 },
      targets: { "hardening.disk_fill_stopped_s": { max: 10, rule: "≤ 10 s" } },
    };
  } finally {
    await runtime.dispose();
    const filters = { label: [`${BENCH_LABEL}=${runId}`] };
    const containers = await docker.listContainers({ all: true, filters });
    await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  }
}

/**
 * One sample: a fresh host with the default quota writes 16 MiB files (each fsync'd, so it is on
 * disk) and prints its running total; from the first total past the quota to the end of the writer
 * (the runtime killed the host), in seconds.
 */
export async function measureDiskFillStopped(
  runtime: SandboxRuntime,
  docker: Dockerode,
  signal: AbortSignal,
): Promise<number> {
  const environment = await runtime.create({
    hosts: [{ name: "node1", image: IMAGE }],
    ttlSeconds: 600,
    idleTimeoutSeconds: 600,
  });
  try {
    const container = docker.getContainer(runtime.containerOf(environment.id, "node1"));
    const script = `i=0; while :; do dd if=/dev/zero of=/var/fill-$i bs=1M count=${CHUNK_MIB} conv=fsync status=none || exit 1; i=$((i+1)); echo $((i*${CHUNK_MIB})); done`;
    const exec = await container.exec({ Cmd: ["bash", "-c", script], AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    return await timeUntilStopped(docker, stream, signal);
  } finally {
    await runtime.destroy(environment.id);
  }
}

function timeUntilStopped(docker: Dockerode, stream: Duplex, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    let passedAt: number | undefined;
    let pending = "";
    const stdout = { write: (chunk: Buffer) => onOutput(chunk) };
    const onOutput = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (passedAt === undefined && Number(line) > DEFAULT_DISK_MIB) passedAt = performance.now();
      }
    };
    docker.modem.demuxStream(
      stream,
      stdout as unknown as NodeJS.WritableStream,
      stdout as unknown as NodeJS.WritableStream,
    );
    const timer = setTimeout(
      () => finish(new Error(`the writer was not stopped within ${SAMPLE_TIMEOUT_MS} ms`)),
      SAMPLE_TIMEOUT_MS,
    );
    const onAbort = () => finish(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      stream.destroy();
      if (error) reject(error);
      else if (passedAt === undefined) reject(new Error("the writer ended before it passed the quota"));
      else resolve((performance.now() - passedAt) / 1000);
    };
    stream.once("end", () => finish());
    stream.once("close", () => finish());
    stream.once("error", (error) => finish(error));
  });
}
