// Capacity on a real Docker-in-Docker Swarm (sandbox/test/swarm-cluster.ts, one cluster for the file): the
// Swarm warm pool grows by one per claim up to maxSize while claims come (more services labelled circus.pool
// on the manager) and shrinks back once the demand window has passed, as the single-engine pool does; and the
// free-disk reserve: nodes below it are labelled by the runtime, take no new host, and when every node is
// below it new environments are refused with a plain message (code disk_reserve_low, a 503 in the web app).
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietLogger, TEST_LABEL } from "../../test/environment-fixture";
import { type SwarmCluster, startSwarmCluster, swarmBackendOn } from "../../test/swarm-cluster";
import type { EnvironmentSpecInput } from "../environments/environment";
import { POOL_LABEL } from "../pool/warm-pool-contract";
import { DISK_RESERVE_LABEL, DISK_RESERVE_LOW, NodeDiskReserve } from "./node-disk-reserve";
import type { SwarmBackend } from "./swarm-backend";
import type { SwarmEnvironment } from "./swarm-environment";
import { createSwarmSandboxRuntime, type SwarmSandboxRuntimeOptions } from "./swarm-sandbox-runtime";
import { createSwarmWarmPool } from "./swarm-warm-pool";

const IMAGE = "circus/standin-debian:latest";
const SCOPE = "swarm-pool-int";
const DEMAND_WINDOW_MS = 15_000;

let cluster: SwarmCluster;
let backend: SwarmBackend;

const spec: EnvironmentSpecInput = {
  hosts: [{ name: "main", image: IMAGE, cpus: 0.1, memoryMiB: 48, pids: 64 }],
  ttlSeconds: 600,
  idleTimeoutSeconds: 600,
};

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** The pool's services on the manager (one host per environment: one service each). */
async function pooledServices(key: string): Promise<number> {
  const services = await cluster.manager.listServices({ filters: { label: [`${POOL_LABEL}=${key}`] } });
  return services.length;
}

beforeAll(async () => {
  cluster = await startSwarmCluster({ scope: SCOPE, workers: 1, images: [IMAGE] });
  await cluster.pullEverywhere([IMAGE]);
  backend = swarmBackendOn(cluster);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

describe("the Swarm warm pool", () => {
  it("grows by one per claim up to maxSize while claims come, and shrinks back once they stop", async () => {
    const key = "grow";
    const pool = createSwarmWarmPool({
      backend,
      key,
      spec,
      size: 1,
      maxSize: 3,
      demandWindowMs: DEMAND_WINDOW_MS,
      maintenanceIntervalMs: 500,
      refillDelayMs: 0,
      ttlSecondsAfterClaim: 600,
    });
    const claimed: SwarmEnvironment[] = [];
    try {
      await pool.whenFull();
      expect(pool.target()).toBe(1);
      // Two learners arrive (the second claim may find the pool empty: a miss counts as demand too).
      for (let claim = 0; claim < 2; claim += 1) {
        const environment = pool.claim();
        if (environment) claimed.push(environment);
      }
      expect(pool.target()).toBe(3);
      // Three more than it started with wait ready, each a service of its own beside the claimed ones.
      await waitFor("the pool growing to 3 ready", 60_000, () => pool.ready() === 3);
      expect(await pooledServices(key)).toBe(3 + claimed.length);
      // A third and fourth claim within the window: the pool stays at maxSize, never beyond.
      for (let claim = 0; claim < 2; claim += 1) {
        const environment = pool.claim();
        if (environment) claimed.push(environment);
      }
      expect(pool.target()).toBe(3);
      await waitFor("the pool refilled to 3 ready", 60_000, () => pool.ready() === 3);

      // Claims stop: once the window has passed the pool removes what is beyond its size.
      await waitFor("the pool shrinking back to 1 ready", DEMAND_WINDOW_MS + 30_000, () => pool.ready() === 1);
      expect(pool.target()).toBe(1);
      await waitFor(
        "the surplus services removed",
        30_000,
        async () => (await pooledServices(key)) === 1 + claimed.length,
      );
    } finally {
      await pool.dispose({ destroyUnclaimed: true });
      await Promise.allSettled(claimed.map((environment) => environment.destroy()));
    }
    expect(await backend.list()).toEqual([]);
  }, 240_000);
});

/** The runtime's disk-reserve labels, by node id. */
async function reserveLabels(): Promise<Map<string, string | undefined>> {
  const nodes = (await cluster.manager.listNodes()) as Array<{ ID: string; Spec: { Labels?: Record<string, string> } }>;
  return new Map(nodes.map((node) => [node.ID, node.Spec.Labels?.[DISK_RESERVE_LABEL]]));
}

async function setNodeLabel(nodeId: string, value: string | undefined): Promise<void> {
  const node = cluster.manager.getNode(nodeId);
  const { Version, Spec } = (await node.inspect()) as {
    Version: { Index: number };
    Spec: { Labels?: Record<string, string> } & Record<string, unknown>;
  };
  const labels = { ...Spec.Labels };
  if (value === undefined) delete labels[DISK_RESERVE_LABEL];
  else labels[DISK_RESERVE_LABEL] = value;
  await node.update({ version: Version.Index, ...Spec, Labels: labels });
}

/** The nodes that run the tasks of the services labelled with `scope`. */
async function nodesOfScope(scope: string): Promise<string[]> {
  const services = (await cluster.manager.listServices({ filters: { label: [`${TEST_LABEL}=${scope}`] } })) as Array<{
    Spec: { Name: string };
  }>;
  const nodes: string[] = [];
  for (const service of services) {
    const tasks = (await cluster.manager.listTasks({
      filters: { service: [service.Spec.Name], "desired-state": ["running"] },
    })) as Array<{ NodeID?: string }>;
    for (const task of tasks) if (task.NodeID) nodes.push(task.NodeID);
  }
  return nodes;
}

describe("the free-disk reserve on Swarm", () => {
  const scope = `${SCOPE}-disk`;
  const runtimeOptions = (diskReserveMiB: number): SwarmSandboxRuntimeOptions => ({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    labels: { [TEST_LABEL]: scope },
    logger: quietLogger,
    diskReserveMiB,
    // Measured at start only: the test sets a label by hand below.
    diskReserveIntervalMs: 3_600_000,
    probeImage: `${cluster.registry}/${IMAGE}`,
  });

  it("labels nodes below the reserve, places no host there, and refuses plainly when every node is below", async () => {
    // A reserve above any node's free disk: every node is below it.
    const starved = await createSwarmSandboxRuntime(runtimeOptions(100_000_000));
    try {
      const labels = await reserveLabels();
      for (const node of cluster.nodes) expect(labels.get(node.nodeId), node.name).toBe(DISK_RESERVE_LOW);
      const refusal = await starved.create(spec).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toMatchObject({ code: "disk_reserve_low" });
      expect(String(refusal)).toMatch(/no machine of the Swarm has free disk above its reserve of 100000000 MiB/);
      await expect(starved.assertDiskReserve()).rejects.toMatchObject({ code: "disk_reserve_low" });
      const protection = (await starved.protections()).find((candidate) => candidate.name === "disk-reserve");
      expect(protection?.detail).toContain("below the reserve");
      expect(await nodesOfScope(scope)).toEqual([]);
    } finally {
      await starved.dispose();
    }

    // A reserve every node keeps: the labels go, and a node labelled low (as the runtime labels one) takes no host.
    const runtime = await createSwarmSandboxRuntime(runtimeOptions(1));
    const low = cluster.nodes.find((node) => node.role === "worker")!;
    const created: string[] = [];
    try {
      const labels = await reserveLabels();
      for (const node of cluster.nodes) expect(labels.get(node.nodeId), node.name).toBeUndefined();
      await runtime.assertDiskReserve();
      await setNodeLabel(low.nodeId, DISK_RESERVE_LOW);
      for (let index = 0; index < 4; index += 1) created.push((await runtime.create(spec)).id);
      const placed = await nodesOfScope(scope);
      expect(placed).toHaveLength(4);
      expect(placed).not.toContain(low.nodeId);
    } finally {
      await setNodeLabel(low.nodeId, undefined);
      await Promise.allSettled(created.map((id) => runtime.destroy(id)));
      await runtime.dispose();
    }
  }, 180_000);

  it("measures a node far above the reserve every fourth interval, and one near it every interval", async () => {
    const intervalMs = 30_000;
    const reserveOf = (reserveMiB: number) =>
      new NodeDiskReserve({
        manager: cluster.manager,
        tls: cluster.tls,
        reserveMiB,
        probeImage: `${cluster.registry}/${IMAGE}`,
        labels: { [TEST_LABEL]: scope },
        logger: quietLogger,
        intervalMs,
      });
    // 1 MiB: every node has far more than four reserves free. A kept measurement is the same object.
    const far = reserveOf(1);
    const start = Date.now();
    const first = await far.measure({ now: start });
    expect(first).toHaveLength(cluster.nodes.length);
    const kept = await far.measure({ dueOnly: true, now: start + 3 * intervalMs });
    for (const node of first) expect(kept.find((other) => other.nodeId === node.nodeId)).toBe(node);
    const again = await far.measure({ dueOnly: true, now: start + 4 * intervalMs });
    for (const node of first) expect(again.find((other) => other.nodeId === node.nodeId)).not.toBe(node);

    // A reserve just under a node's free disk: near it, so measured again at the next interval.
    const near = reserveOf(Math.max(1, Math.floor(Math.min(...first.map((node) => node.freeMiB)) * 0.9)));
    const nearFirst = await near.measure({ now: start });
    const nearNext = await near.measure({ dueOnly: true, now: start + intervalMs });
    for (const node of nearFirst) expect(nearNext.find((other) => other.nodeId === node.nodeId)).not.toBe(node);
    for (const node of nearNext) expect(node.low).toBe(false);
  }, 120_000);
});
