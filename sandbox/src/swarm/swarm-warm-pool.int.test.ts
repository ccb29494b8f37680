// The Swarm warm pool against a real Docker-in-Docker Swarm (sandbox/test/swarm-cluster.ts): like the
// single-engine pool it grows by one per claim up to maxSize while claims come (more services labelled
// circus.pool on the manager) and shrinks back to its size once the demand window has passed.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_LABEL } from "../../test/environment-fixture";
import { type SwarmCluster, startSwarmCluster } from "../../test/swarm-cluster";
import type { EnvironmentSpecInput } from "../environments/environment";
import { POOL_LABEL } from "../pool/warm-pool-contract";
import { createSwarmBackend, type SwarmBackend } from "./swarm-backend";
import type { SwarmEnvironment } from "./swarm-environment";
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
  backend = createSwarmBackend({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    scopeLabels: { [TEST_LABEL]: SCOPE },
  });
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
