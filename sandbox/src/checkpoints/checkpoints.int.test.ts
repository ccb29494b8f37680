// Checkpoints against the real engine: a host's files survive a rewind to a checkpoint, processes and
// tmpfs do not; one image per owner/kind/step; the per-owner bounds evict the oldest; remove and reap.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestScope, quietLogger, type TestScope } from "../../test/environment-fixture";
import { CheckpointTooLargeError } from "../errors";
import { createCheckpointStore } from "./checkpoint-store";
import { checkpointImages, restoreHosts } from "./restore-checkpoint";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

async function sh(scopeRuntime: Awaited<ReturnType<TestScope["runtime"]>>, id: string, host: string, script: string) {
  const result = await scopeRuntime.environment(id).commands.run(host, { script, timeoutMs: 10_000 });
  return result.stdout.trim();
}

describe("checkpoints (real engine)", () => {
  it("recreates hosts from a step checkpoint: files come back, processes and tmpfs contents do not", async () => {
    const runtime = await scope.runtime();
    const store = createCheckpointStore({ docker: scope.docker, logger: quietLogger, scopeLabels: scope.labels });
    const environment = await runtime.create(scope.spec(["node1", "node2"]));
    await sh(runtime, environment.id, "node1", "echo one > /root/step1.txt; echo tmp > /tmp/t; (sleep 4242 &)");
    await sh(runtime, environment.id, "node2", "mkdir -p /srv && echo two > /srv/two.txt");
    store.schedule(runtime.get(environment.id)!, { owner: "run-a", step: 0, kind: "step" });
    await store.settled("run-a");
    await sh(runtime, environment.id, "node1", "echo later > /root/step2.txt; rm /root/step1.txt");

    const [checkpoint] = await store.list("run-a");
    expect(checkpoint).toMatchObject({ owner: "run-a", step: 0, kind: "step" });
    expect(checkpoint?.hosts.map((host) => host.name)).toEqual(["node1", "node2"]);
    const image = await scope.docker.getImage(checkpoint!.hosts[0]!.image).inspect();
    expect(image.Config.Labels).toMatchObject({
      "circus.checkpoint.owner": "run-a",
      "circus.checkpoint.step": "0",
      "circus.checkpoint.host": "node1",
      "circus.test": scope.id,
    });

    expect(await sh(runtime, environment.id, "node1", 'pgrep -fx "sleep 4242" >/dev/null && cat /tmp/t')).toBe("tmp");
    const before = runtime.containerOf(environment.id, "node1");
    await restoreHosts(runtime, environment.id, checkpointImages(checkpoint!));
    expect(runtime.containerOf(environment.id, "node1")).not.toBe(before);
    expect(await sh(runtime, environment.id, "node1", "cat /root/step1.txt; ls /root")).toBe("one\nstep1.txt");
    expect(await sh(runtime, environment.id, "node2", "cat /srv/two.txt")).toBe("two");
    expect(await sh(runtime, environment.id, "node1", 'ls /tmp; pgrep -fx "sleep 4242" || echo none')).toBe("none");
    // The hosts still reach each other by name after being recreated.
    expect(await sh(runtime, environment.id, "node1", "getent hosts node2 >/dev/null && echo ok")).toBe("ok");

    expect(await store.latestBefore("run-a", 1)).toMatchObject({ step: 0 });
    expect(await store.latestBefore("run-a", 0)).toBeUndefined();
    await runtime.destroy(environment.id);
    expect(await store.remove("run-a")).toBe(1);
    expect(await store.list("run-a")).toEqual([]);
  });

  it("keeps one checkpoint per step, drops the oldest beyond the count bound, refuses one over the byte bound", async () => {
    const runtime = await scope.runtime();
    const store = createCheckpointStore({
      docker: scope.docker,
      logger: quietLogger,
      scopeLabels: scope.labels,
      maxPerOwner: 2,
      maxBytesPerOwner: 8 * 1024 * 1024,
    });
    const environment = await runtime.create(scope.spec(["node1"]));
    for (const step of [0, 1, 1, 2]) {
      await sh(runtime, environment.id, "node1", `echo ${step} >> /root/steps`);
      await store.take(runtime.get(environment.id)!, { owner: "run-b", step, kind: "step" });
    }
    const kept = await store.list("run-b");
    expect(kept.map((checkpoint) => checkpoint.step)).toEqual([1, 2]);
    expect(kept.every((checkpoint) => checkpoint.sizeBytes < 1024 * 1024)).toBe(true);

    await sh(runtime, environment.id, "node1", "head -c 12000000 /dev/urandom > /root/big");
    await expect(store.take(runtime.get(environment.id)!, { owner: "run-b", step: 3, kind: "step" })).rejects.toThrow(
      CheckpointTooLargeError,
    );
    expect((await store.list("run-b")).map((checkpoint) => checkpoint.step)).toEqual([1, 2]);

    // The reaper keeps what its owner still needs and removes the rest.
    await sh(runtime, environment.id, "node1", "rm /root/big");
    await store.take(runtime.get(environment.id)!, { owner: "run-c", step: 0, kind: "saved" });
    expect((await store.list("run-c")).map((checkpoint) => checkpoint.kind)).toEqual(["saved"]);
    expect(await store.reap((owner) => owner === "run-b")).toBeGreaterThanOrEqual(1);
    expect(await store.list("run-c")).toEqual([]);
    expect((await store.list("run-b")).length).toBe(2);
    expect(await store.reap(() => false)).toBeGreaterThanOrEqual(2);
    expect(await store.list("run-b")).toEqual([]);
  });
});
