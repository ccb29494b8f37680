// Runtimes that share one engine and scope (web replicas) against the real engine: one adopts on a miss
// what another created, a re-sync forgets what another removed, reconcile leaves another's environment
// with a stopped host alone, and the reaper keeps an environment busy through another runtime (its
// shared lease) and reaps it once nobody uses it.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { memoryLeases } from "../../test/memory-leases";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe("runtimes sharing one engine", () => {
  it("adopts on a miss what another runtime created, and forgets it once the other removed it", async () => {
    const leases = memoryLeases();
    const first = await scope.runtime({ shared: { leases } });
    const second = await scope.runtime({ shared: { leases, resyncIntervalMs: 200 } });
    const created = await first.create(scope.spec(["node1"]));
    expect(second.get(created.id)).toBeUndefined();
    const adopted = await second.adopt(created.id);
    expect(adopted?.hosts).toEqual(created.hosts);
    const result = await second.environment(created.id).commands.run("node1", { argv: ["hostname"] });
    expect(result.stdout.trim()).toBe("node1");
    expect(await second.adopt("000000000000")).toBeUndefined();

    await first.destroy(created.id);
    for (let waited = 0; second.get(created.id) && waited < 5_000; waited += 100) await sleep(100);
    expect(second.get(created.id)).toBeUndefined();
  });

  it("keeps one record when an adoption on demand races a re-sync: handles made from it stay valid", async () => {
    const shared = memoryLeases();
    // The re-sync's read of the leases is slow (a busy database): the adoption on demand, begun after it
    // listed the engine, takes the environment on meanwhile.
    let slowReads = 0;
    const leases: typeof shared = {
      ...shared,
      async read(ids) {
        if (slowReads > 0) {
          slowReads -= 1;
          await sleep(300);
        }
        return shared.read(ids);
      },
    };
    const first = await scope.runtime({ shared: { leases } });
    const second = await scope.runtime({ shared: { leases, resyncIntervalMs: 600_000 } });
    for (let round = 0; round < 3; round += 1) {
      const created = await first.create(scope.spec(["node1"]));
      slowReads = 1;
      const resync = second.reconcile();
      for (let waited = 0; slowReads > 0 && waited < 5_000; waited += 5) await sleep(5);
      await second.adopt(created.id);
      const handle = second.environment(created.id);
      await resync;
      expect(handle.hostStates()).toEqual([{ name: "node1", state: "running" }]);
      await first.destroy(created.id);
      await second.reconcile();
      expect(second.get(created.id)).toBeUndefined();
    }
  });

  it("leaves another runtime's environment with a stopped host alone when reconciling", async () => {
    const leases = memoryLeases();
    const first = await scope.runtime({ shared: { leases } });
    // One host (no network: a shared engine's address pools are finite); it stops, as after an OOM kill.
    const created = await first.create(scope.spec(["node1"]));
    await scope.docker.getContainer(first.containerOf(created.id, "node1")).stop({ t: 0 });
    const second = await scope.runtime({ shared: { leases } });
    const outcome = await second.reconcile();
    expect(outcome.removed).toEqual([]);
    expect((await scope.count()).containers).toBe(1);
  });

  it("keeps an environment busy through another runtime, and reaps it once idle", async () => {
    const leases = memoryLeases();
    const busy = await scope.runtime({ shared: { leases } });
    const created = await busy.create(scope.spec(["node1"], { idleTimeoutSeconds: 2 }));
    const reaper = await scope.runtime({ shared: { leases }, reapIntervalMs: 200 });
    expect(await reaper.adopt(created.id)).toBeDefined();
    // Used through the first runtime for twice the idle timeout: the second one must not reap it.
    for (const until = Date.now() + 4_000; Date.now() < until; ) {
      busy.touch(created.id);
      await sleep(300);
    }
    expect(reaper.get(created.id)).toBeDefined();
    expect((await scope.count()).containers).toBe(1);
    // Nobody types any more: reaped within the idle timeout and a few rounds.
    for (let waited = 0; reaper.get(created.id) && waited < 6_000; waited += 100) await sleep(100);
    expect(reaper.get(created.id)).toBeUndefined();
    for (let waited = 0; (await scope.count()).containers > 0 && waited < 5_000; waited += 100) await sleep(100);
    expect((await scope.count()).containers).toBe(0);
  });
});
