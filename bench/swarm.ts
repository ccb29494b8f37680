// `npm run bench -- --only swarm`: the Swarm backend on a 3-node Docker-in-Docker Swarm
// (sandbox/test/swarm-cluster.ts, labelled circus.test=bench-swarm-<run id>, removed at the end):
// cold starts against a bare service's floor, warm claims (primed terminals) through the Swarm runtime,
// the spread of 30 environments, how soon a killed worker's hosts are found lost, and what is left behind
// once it returns; keystroke echo through HAProxy and the real web server (swarm-echo.ts).
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { pino } from "pino";
import { freePort } from "../apps/web/src/server/test/own-postgres";
import type { EnvironmentSpecInput } from "../sandbox/src/environments/environment";
import { LABEL } from "../sandbox/src/environments/labels";
import { createWarmPool } from "../sandbox/src/pool/warm-pool";
import { createSwarmBackend } from "../sandbox/src/swarm/swarm-backend";
import type { SwarmEnvironment } from "../sandbox/src/swarm/swarm-environment";
import { createSwarmSandboxRuntime } from "../sandbox/src/swarm/swarm-sandbox-runtime";
import type { TerminalSession } from "../sandbox/src/terminals/terminal-session";
import { TEST_LABEL } from "../sandbox/test/environment-fixture";
import { type SwarmCluster, startSwarmCluster, waitForNodeState } from "../sandbox/test/swarm-cluster";
import { type BenchModule, percentile } from "./bench-module";
import { benchPort } from "./config";
import { measureEchoOnSwarm, type SwarmEchoPorts } from "./swarm-echo";

const IMAGE = "circus/base:latest";
const SPREAD_ENVIRONMENTS = 30;
const LOSS_TIMEOUT_MS = 120_000;

const swarm: BenchModule = {
  name: "swarm",
  async run({ signal, samples, log }) {
    const scope = `bench-swarm-${randomBytes(4).toString("hex")}`;
    log(`» a 3-node Docker-in-Docker Swarm, ${IMAGE} pushed to its registry and pulled on every node`);
    const cluster = await startSwarmCluster({ scope, images: [IMAGE] });
    try {
      await cluster.pullEverywhere([IMAGE]);
      const registryImage = `${cluster.registry}/${IMAGE}`;
      const backend = createSwarmBackend({
        manager: cluster.manager,
        tls: cluster.tls,
        registry: cluster.registry,
        scopeLabels: { [TEST_LABEL]: scope },
      });
      const spec = (cpus: number, memoryMiB: number): EnvironmentSpecInput => ({
        hosts: [{ name: "main", image: IMAGE, cpus, memoryMiB, pids: 128 }],
        ttlSeconds: 900,
        idleTimeoutSeconds: 900,
      });

      log(
        `» ${samples} bare services (create to running) and ${samples} cold starts (create to first prompt byte), interleaved`,
      );
      const floor: number[] = [];
      const cold: number[] = [];
      for (let index = 0; index < samples; index += 1) {
        signal.throwIfAborted();
        floor.push(await bareServiceStart(cluster.manager, registryImage, scope));
        log(`  sample ${index + 1}: bare service ${Math.round(floor.at(-1)!)} ms`);
        const started = performance.now();
        const environment = await backend.create(spec(0.5, 256), { signal });
        const { firstByte } = await firstPromptByte(() =>
          environment.terminals.open("main", "bench", { cols: 80, rows: 24 }),
        );
        cold.push(firstByte - started);
        log(`  sample ${index + 1}: cold start ${Math.round(cold.at(-1)!)} ms`);
        await environment.destroy();
      }

      log(
        `» ${samples} claims from a full warm pool of one (the web app's pool on the Swarm runtime, its first terminal primed), each until its first prompt byte`,
      );
      const warm = await measureWarmClaims(cluster, scope, spec(0.5, 256), samples, signal, log);

      log("» keystroke echo through HAProxy and the web server (CIRCUS_ORCHESTRATOR=swarm) to a sandbox on a worker");
      const echo = await measureEchoOnSwarm(cluster, scope, IMAGE, await benchPorts(), signal, log);

      log(`» ${SPREAD_ENVIRONMENTS} environments at once, counted per node`);
      const environments: SwarmEnvironment[] = [];
      let spreadMinShare = Number.NaN;
      try {
        for (let batch = 0; batch < SPREAD_ENVIRONMENTS / 10; batch += 1) {
          signal.throwIfAborted();
          environments.push(...(await Promise.all(Array.from({ length: 10 }, () => backend.create(spec(0.1, 48))))));
        }
        const perNode = new Map(cluster.nodes.map((node) => [node.nodeId, 0]));
        for (const environment of environments) {
          const { nodeId } = await environment.locate("main");
          perNode.set(nodeId, (perNode.get(nodeId) ?? 0) + 1);
        }
        spreadMinShare = Math.min(...perNode.values()) / environments.length;
        log(`  per node: ${[...perNode.values()].join(", ")}`);

        log("» a worker killed: until its hosts are found lost; then it returns and orphans are counted");
        const worker = cluster.nodes.find((node) => node.role === "worker")!;
        const onWorker = new Set<string>();
        for (const environment of environments) {
          if ((await environment.locate("main")).nodeId === worker.nodeId) onWorker.add(environment.id);
        }
        const killedAt = performance.now();
        await cluster.kill(worker);
        let noticeS = Number.NaN;
        while (performance.now() - killedAt < LOSS_TIMEOUT_MS) {
          signal.throwIfAborted();
          const lost = new Set((await backend.findLostHosts()).map((host) => host.environmentId));
          if ([...onWorker].every((id) => lost.has(id))) {
            noticeS = (performance.now() - killedAt) / 1000;
            break;
          }
          await sleep(250);
        }
        // Learners restart: their lost environments go (each restart would create one on a live node).
        const lostEnvironments = environments.filter((environment) => onWorker.has(environment.id));
        await Promise.all(lostEnvironments.map((environment) => environment.destroy()));
        await cluster.restart(worker);
        await waitForNodeState(cluster.manager, worker.nodeId, "ready");
        const before = await orphansOn(worker.docker, cluster.manager, scope, onWorker);
        await sleep(5_000); // what the returned node's agent cleans by itself
        const afterAgent = await orphansOn(worker.docker, cluster.manager, scope, onWorker);
        await backend.reapOrphans();
        const orphans = await orphansOn(worker.docker, cluster.manager, scope, onWorker);
        log(`  orphans when the node returned: ${before}, 5 s later: ${afterAgent}, after reapOrphans: ${orphans}`);
        return {
          metrics: {
            "swarm.cold_start_p50_ms": Math.round(percentile(cold, 50)),
            "swarm.service_floor_p50_ms": Math.round(percentile(floor, 50)),
            "swarm.warm_claim_p50_ms": Math.round(percentile(warm, 50)),
            "swarm.echo_p50_ms": round2(percentile(echo.viaProxy, 50)),
            "swarm.echo_p99_ms": round2(percentile(echo.viaProxy, 99)),
            "swarm.echo_direct_p99_ms": round2(percentile(echo.direct, 99)),
            "swarm.echo_exec_p99_ms": echo.exec.length > 0 ? round2(percentile(echo.exec, 99)) : Number.NaN,
            "swarm.echo_load_average": round2(Math.max(...echo.loadAverage)),
            "swarm.spread_min_share": Math.round(spreadMinShare * 1000) / 1000,
            "swarm.node_loss_notice_s": Math.round(noticeS * 10) / 10,
            "swarm.orphans_before_reap": afterAgent,
            "swarm.orphans_after_recovery": orphans,
          },
          targets: {
            "swarm.cold_start_p50_ms": { max: 3000, rule: "≤ 3000 ms" },
            "swarm.warm_claim_p50_ms": { max: 100, rule: "≤ 100 ms" },
            "swarm.echo_p99_ms": { max: 10, rule: "≤ 10 ms" },
            "swarm.spread_min_share": { min: 0.2, rule: "≥ 0.2" },
            "swarm.node_loss_notice_s": { max: 30, rule: "≤ 30 s" },
            "swarm.orphans_after_recovery": { max: 0, rule: "0" },
          },
        };
      } finally {
        await Promise.allSettled(environments.map((environment) => environment.destroy()));
      }
    } finally {
      await cluster.stop();
    }
  },
};

export default swarm;

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The web server's and HAProxy's loopback ports: CIRCUS_BENCH_PORT and the next one, else free ones. */
async function benchPorts(): Promise<SwarmEchoPorts> {
  const base = benchPort();
  return base > 0 ? { web: base, proxy: base + 1 } : { web: await freePort(), proxy: await freePort() };
}

/** A bare `docker service create` (one replica, no restart) until its task runs; the service is removed after. */
async function bareServiceStart(manager: Dockerode, image: string, scope: string): Promise<number> {
  const started = performance.now();
  const service = await manager.createService({
    Name: `bench-floor-${randomBytes(4).toString("hex")}`,
    Labels: { [TEST_LABEL]: scope },
    TaskTemplate: {
      ContainerSpec: { Image: image, Command: ["sleep", "infinity"] },
      RestartPolicy: { Condition: "none" },
    },
    Mode: { Replicated: { Replicas: 1 } },
  });
  try {
    for (;;) {
      const tasks = (await manager.listTasks({ filters: { service: [service.id] } })) as {
        Status: { State: string };
      }[];
      if (tasks.some((task) => task.Status.State === "running")) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error("a bare service did not run within 60 s");
      await sleep(20);
    }
  } finally {
    await service.remove();
  }
}

/**
 * Claims from the web app's warm pool (createWarmPool on the Swarm runtime, the first terminal primed as the
 * web app primes it) and opens the claimant's first terminal through the Environment handle, as the terminal
 * gateway does: claim to first prompt byte (replayed from the primed shell's scrollback).
 */
async function measureWarmClaims(
  cluster: SwarmCluster,
  scope: string,
  spec: EnvironmentSpecInput,
  samples: number,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<number[]> {
  const runtime = await createSwarmSandboxRuntime({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    // Its own scope label value: the runtime adopts and reaps only its own services, never the bench's others.
    labels: { [TEST_LABEL]: `${scope}-pool` },
    logger: pino({ level: "warn" }, pino.destination(2)),
  });
  const pool = createWarmPool({
    runtime,
    logger: pino({ level: "warn" }, pino.destination(2)),
    key: "bench",
    spec,
    size: 1,
    primeTerminals: [{ host: "main", cols: 120, rows: 32, env: { TERM: "xterm-256color" } }],
  });
  const warm: number[] = [];
  try {
    for (let index = 0; index < samples; index += 1) {
      await pool.whenFull({ signal });
      const started = performance.now();
      const claimed = pool.claim("bench-learner");
      if (!claimed) throw new Error("the full warm pool had nothing to claim");
      const environment = runtime.environment(claimed.id);
      // A size other than the primed one: the hand-over's resize on the node's engine is counted.
      const { opened, firstByte, replayed } = await firstPromptByte(() =>
        environment.terminals.open("main", "1", { cols: 100, rows: 30, env: { TERM: "xterm-256color" } }),
      );
      warm.push(firstByte - started);
      log(
        `  sample ${index + 1}: warm claim ${Math.round(warm.at(-1)!)} ms (terminal open ${Math.round(opened - started)} ms, prompt ${replayed ? "replayed from the primed shell" : "printed after the open"})`,
      );
      await environment.destroy();
    }
  } finally {
    await pool.dispose({ destroyUnclaimed: true });
    await Promise.allSettled(runtime.list().map((environment) => runtime.destroy(environment.id)));
    await runtime.dispose();
  }
  return warm;
}

/**
 * Opens a terminal, times its first output byte (replayed or live) and the moment the open itself resolved
 * (exec create, start and first resize on the node's engine; or a primed shell's hand-over), then ends it.
 */
async function firstPromptByte(
  open: () => Promise<TerminalSession>,
): Promise<{ opened: number; firstByte: number; replayed: boolean }> {
  const session = await open();
  const opened = performance.now();
  const replayed = session.stats().endOffset > 0;
  let client: { dispose(): void } | undefined;
  let firstByte = Number.NaN;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no prompt byte within 30 s")), 30_000);
      // onData may run inside attach() (a prompt already in the scrollback): it only settles the promise.
      client = session.attach({
        onData: () => {
          if (Number.isNaN(firstByte)) firstByte = performance.now();
          clearTimeout(timer);
          resolve();
        },
        onExit: (exit) => {
          clearTimeout(timer);
          reject(new Error(`the terminal ended before its prompt: ${exit.message}`));
        },
      });
    });
  } finally {
    client?.dispose();
    // Ending the shell (an exec on the node) is not part of the figure: the first byte was timed above.
    await session.dispose();
  }
  return { opened, firstByte, replayed };
}

/** Containers on the node and networks on the manager that belong to environments already destroyed. */
async function orphansOn(node: Dockerode, manager: Dockerode, scope: string, destroyed: Set<string>): Promise<number> {
  const containers = await node.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${scope}`] } });
  const networks = await manager.listNetworks({ filters: { label: [`${TEST_LABEL}=${scope}`] } });
  return (
    containers.filter((container) => destroyed.has(container.Labels[LABEL.environment] ?? "")).length +
    networks.filter((network) => destroyed.has(network.Labels?.[LABEL.environment] ?? "")).length
  );
}
