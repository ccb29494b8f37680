// The warm pool against the real engine: it fills to its size, a claim hands over a running
// environment at once and the pool refills, misses never block, failures back off, restarts adopt.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestScope, quietLogger, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { createWarmPool } from "./warm-pool";
import { POOL_LABEL, type WarmPool } from "./warm-pool-contract";

let scope: TestScope;
let pools: WarmPool[];
let runtimes: SandboxRuntime[];

beforeEach(() => {
  scope = createTestScope();
  pools = [];
  runtimes = [];
});

afterEach(async () => {
  for (const pool of pools) await pool.dispose({ destroyUnclaimed: true });
  for (const runtime of runtimes) {
    await Promise.all(runtime.list().map((environment) => runtime.destroy(environment.id)));
  }
  await scope.cleanup(); // the label sweep: anything left with this test's label
  expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
});

async function newRuntime(): Promise<SandboxRuntime> {
  const runtime = await scope.runtime();
  runtimes.push(runtime);
  return runtime;
}

function newPool(
  runtime: SandboxRuntime,
  size: number,
  overrides: { image?: string; key?: string; maxSize?: number; demandWindowMs?: number } = {},
): WarmPool {
  const spec = scope.spec(["node1"]);
  const pool = createWarmPool({
    runtime,
    key: overrides.key ?? `test-${scope.id}`,
    spec: overrides.image ? { ...spec, hosts: [{ name: "node1", image: overrides.image }] } : spec,
    size,
    ...(overrides.maxSize === undefined ? {} : { maxSize: overrides.maxSize }),
    ...(overrides.demandWindowMs === undefined ? {} : { demandWindowMs: overrides.demandWindowMs }),
    maintenanceIntervalMs: overrides.demandWindowMs ? 500 : undefined,
    ttlSecondsAfterClaim: 120,
    retry: { initialDelayMs: 100, maxDelayMs: 400 },
    logger: quietLogger,
  });
  pools.push(pool);
  return pool;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe("warm pool", () => {
  it("grows with a burst of claims up to maxSize, then shrinks back to its size when they stop", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 1, { maxSize: 3, demandWindowMs: 6_000 });
    await pool.whenFull();
    // Three arrivals: a hit, then two misses; each counts as demand (the third is capped at maxSize).
    expect(pool.claim("learner-1")).toBeDefined();
    pool.claim("learner-2");
    pool.claim("learner-3");
    expect(pool.stats().target).toBe(3);
    await until(() => pool.stats().ready === 3, 60_000);
    expect(pool.stats()).toMatchObject({ size: 1, target: 3, ready: 3 });
    // No claims for the demand window: back to one ready, the others destroyed.
    await until(() => pool.stats().ready === 1 && runtime.list().length === 2, 30_000);
    expect(pool.stats()).toMatchObject({ target: 1, ready: 1 });
    expect(runtime.list()).toHaveLength(2); // the ready one and learner-1's
  });

  it("fills to its size with started environments labelled with its key", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 3);
    await pool.whenFull();
    expect(pool.stats()).toMatchObject({ size: 3, ready: 3, creating: 0, claimed: 0, consecutiveFailures: 0 });
    const environments = runtime.list();
    expect(environments).toHaveLength(3);
    for (const environment of environments) {
      const inspected = await scope.docker.getContainer(environment.hosts[0]!.containerId).inspect();
      expect(inspected.State.Running).toBe(true);
      expect(inspected.Config.Labels[POOL_LABEL]).toBe(`test-${scope.id}`);
    }
  });

  it("hands over a running environment, restarts its clocks at the claim, and refills", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 2);
    await pool.whenFull();

    const before = Date.now();
    const environment = pool.claim("learner-1");
    expect(environment).toBeDefined();
    expect(environment!.owner).toBe("learner-1");
    expect(pool.stats()).toMatchObject({ ready: 1, claimed: 1 });
    const held = runtime.get(environment!.id)!;
    expect(held.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    expect(held.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(held.lastActivityAt.getTime()).toBeGreaterThanOrEqual(before);

    const echoed = await runCommand(scope.docker, runtime.containerOf(environment!.id, "node1"), {
      argv: ["echo", "warm"],
    });
    expect(echoed).toMatchObject({ exitCode: 0, stdout: "warm\n" });

    await pool.whenFull();
    expect(pool.stats()).toMatchObject({ ready: 2, claimed: 1 });
    expect(runtime.list()).toHaveLength(3);
    // The claimed environment is never handed out again.
    const next = [pool.claim("learner-2"), pool.claim("learner-3")].map((claimed) => claimed?.id);
    expect(next).not.toContain(environment!.id);
  });

  it("returns undefined at once when more are claimed than are ready", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 1);
    await pool.whenFull();
    expect(pool.claim("learner-1")).toBeDefined();
    expect(pool.claim("learner-2")).toBeUndefined();
    await pool.whenFull();
    expect(pool.claim("learner-3")).toBeDefined();
  });

  it("skips a ready environment whose host died", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 2);
    await pool.whenFull();
    const [dead, alive] = runtime.list().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    await scope.docker.getContainer(dead!.hosts[0]!.containerId).kill();
    await expect.poll(() => expectThrows(() => runtime.containerOf(dead!.id, "node1"))).toBe(true);
    expect(pool.claim("learner-1")?.id).toBe(alive!.id);
  });

  it("logs failed creates and retries with backoff instead of crashing", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 1, { image: `circus/missing-${scope.id}:latest` });
    await expect.poll(() => pool.stats().consecutiveFailures, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(pool.stats()).toMatchObject({ ready: 0 });
    expect(pool.stats().lastError).toContain("is not on the engine");
    expect(pool.claim("learner-1")).toBeUndefined();
  });

  it("after a restart, adopts unclaimed pool environments and keeps claimed ones out", async () => {
    const first = await newRuntime();
    const firstPool = newPool(first, 3);
    await firstPool.whenFull();
    const claimed = firstPool.claim("learner-1")!;
    await firstPool.whenFull();
    await firstPool.dispose();
    first.dispose();
    const unclaimed = first
      .list()
      .map((environment) => environment.id)
      .filter((id) => id !== claimed.id);
    expect(unclaimed).toHaveLength(3); // two left ready, one created by the refill before dispose
    runtimes.splice(runtimes.indexOf(first), 1);

    const second = await newRuntime(); // reconciles: adopts all four environments
    expect(second.list()).toHaveLength(4);
    const pool = newPool(second, 2);
    const outcome = await pool.adopt({ isClaimed: (id) => id === claimed.id });
    expect(outcome.claimed).toEqual([claimed.id]);
    expect(outcome.adopted).toHaveLength(2);
    expect(outcome.destroyed).toHaveLength(1);
    expect([...outcome.adopted, ...outcome.destroyed].sort()).toEqual([...unclaimed].sort());
    expect(pool.stats()).toMatchObject({ ready: 2, claimed: 1 });
    expect(second.list()).toHaveLength(3);
    expect(pool.claim("learner-2")?.id).not.toBe(claimed.id);
  });

  it("destroys its unclaimed environments on dispose when asked, and leaves claimed ones", async () => {
    const runtime = await newRuntime();
    const pool = newPool(runtime, 2);
    await pool.whenFull();
    const claimed = pool.claim("learner-1")!;
    await pool.dispose({ destroyUnclaimed: true });
    expect(runtime.list().map((environment) => environment.id)).toEqual([claimed.id]);
    expect(await scope.count()).toEqual({ containers: 1, networks: 0 });
    expect(pool.claim("learner-2")).toBeUndefined();
  });
});

function expectThrows(call: () => unknown): boolean {
  try {
    call();
    return false;
  } catch {
    return true;
  }
}
