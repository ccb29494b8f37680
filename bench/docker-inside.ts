// `npm run bench -- --only docker-inside`: Docker inside a sandbox. A warm pool of Docker-enabled
// hosts; each claim's first `docker run --rm busybox true` (pulling busybox from the Circus
// registry), then later runs, a small build, and what an idle Docker-enabled host holds in memory.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import Dockerode from "dockerode";
import { pino } from "pino";
import { runCommand } from "../sandbox/src/commands/run-command";
import { seedRegistry } from "../sandbox/src/docker-inside/seed-registry";
import type { EnvironmentSpecInput } from "../sandbox/src/environments/environment";
import { removeNetwork } from "../sandbox/src/environments/remove-environment";
import { createSandboxRuntime } from "../sandbox/src/environments/sandbox-runtime";
import { createWarmPool } from "../sandbox/src/pool/warm-pool";
import { type BenchModule, percentile } from "./bench-module";
import { containerMemory } from "./sandbox-memory";

const MIB = 1024 * 1024;
const FIRST_RUNS = 3;
const DOCKERFILE = "FROM busybox\nRUN echo built > /built.txt\nCMD cat /built.txt\n";

const dockerInside: BenchModule = {
  name: "docker-inside",
  async run({ signal, samples, log }) {
    const docker = new Dockerode();
    const labels = { "circus.bench": randomBytes(6).toString("hex") };
    await seedRegistry(docker, [{ image: "circus/standin-busybox:latest", repository: "library/busybox" }]);
    const runtime = await createSandboxRuntime({ docker, logger: pino({ level: "silent" }), labels });
    const spec: EnvironmentSpecInput = {
      hosts: [{ name: "dock", image: "circus/docker:latest", docker: true, memoryMiB: 1024 }],
      ttlSeconds: 900,
      idleTimeoutSeconds: 900,
    };
    const run = (containerId: string, script: string) =>
      runCommand(docker, containerId, { script, timeoutMs: 120_000 });
    const timed = async (containerId: string, script: string) => {
      const started = performance.now();
      const result = await run(containerId, script);
      if (result.exitCode !== 0) throw new Error(`${script} failed: ${result.stderr || result.stdout}`);
      return performance.now() - started;
    };
    try {
      log(`» ${FIRST_RUNS} claims from a warm pool, each until its first docker run --rm busybox true`);
      const pool = createWarmPool({ runtime, key: "bench-docker", spec, size: 1 });
      const firstRuns: number[] = [];
      let kept: string | undefined;
      try {
        for (let index = 0; index < FIRST_RUNS; index += 1) {
          signal.throwIfAborted();
          await pool.whenFull({ signal });
          const started = performance.now();
          const environment = pool.claim(`bench-${index}`);
          if (!environment) throw new Error("the full warm pool had nothing to claim");
          const containerId = runtime.containerOf(environment.id, "dock");
          await timed(containerId, "docker run --rm busybox true");
          firstRuns.push(performance.now() - started);
          if (kept === undefined) kept = containerId;
          else await runtime.destroy(environment.id);
        }
      } finally {
        await pool.dispose({ destroyUnclaimed: true });
      }
      const host = kept!;

      log(`» ${samples} runs and builds on one host`);
      const runs: number[] = [];
      const builds: number[] = [];
      await run(host, `mkdir -p b && printf '${DOCKERFILE.replaceAll("\n", "\\n")}' > b/Dockerfile`);
      for (let index = 0; index < samples; index += 1) {
        signal.throwIfAborted();
        runs.push(await timed(host, "docker run --rm busybox true"));
        builds.push(await timed(host, `docker build --no-cache -q -t bench-build-${index} b`));
      }

      log("» the idle host after those, busybox still stored: its memory (store tmpfs included)");
      await run(
        host,
        "docker images --format '{{.Repository}}' | grep bench-build | xargs -r docker rmi -f >/dev/null",
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const memory = await containerMemory(docker, host, new Map());
      return {
        metrics: {
          "docker_inside.first_run_ms": round(percentile(firstRuns, 50)),
          "docker_inside.first_run_max_ms": round(Math.max(...firstRuns)),
          "docker_inside.run_p50_ms": round(percentile(runs, 50)),
          "docker_inside.build_p50_ms": round(percentile(builds, 50)),
          "docker_inside.idle_memory_mib": round(memory.containerBytes / MIB),
        },
        targets: {
          "docker_inside.first_run_ms": { max: 3000, rule: "≤ 3000 ms" },
          "docker_inside.run_p50_ms": { max: 500, rule: "≤ 500 ms" },
          "docker_inside.build_p50_ms": { max: 3000, rule: "≤ 3000 ms" },
        },
      };
    } finally {
      await Promise.allSettled(runtime.list().map((environment) => runtime.destroy(environment.id)));
      runtime.dispose();
      const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.allSettled(
        containers.map((container) => docker.getContainer(container.Id).remove({ force: true })),
      );
      const networks = await docker.listNetworks({ filters });
      await Promise.allSettled(networks.map((network) => removeNetwork(docker, network.Id)));
    }
  },
};

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export default dockerInside;
