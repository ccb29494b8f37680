// The writable-layer quota and the free-disk reserve on the real engine (overlay2 on ext4, where
// the storage driver has no quota): a host that writes past its quota is stopped and told why,
// its neighbour keeps running, and below the reserve no environment starts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import { ContainerDiedError, DiskReserveLowError } from "../errors";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe("disk quota", () => {
  it("stops a host that writes past its quota, says why, and leaves its neighbour running", async () => {
    const runtime = await scope.runtime({ diskCheckIntervalMs: 500 });
    const writer = await runtime.create({
      ...scope.spec(["node1"]),
      hosts: [{ name: "node1", image: "circus/base:latest", diskMiB: 32 }],
    });
    const neighbour = await runtime.create({
      ...scope.spec(["node1"]),
      hosts: [{ name: "node1", image: "circus/base:latest", diskMiB: 32 }],
    });
    const writerId = runtime.containerOf(writer.id, "node1");
    const neighbourId = runtime.containerOf(neighbour.id, "node1");

    // Within the quota nothing happens (the check runs several times meanwhile).
    const small = await runCommand(scope.docker, neighbourId, {
      script: "dd if=/dev/zero of=/var/small bs=1M count=8 conv=fsync status=none && sleep 2 && echo kept",
    });
    expect(small.stdout).toContain("kept");

    // Past it, the writer is stopped long before dd finishes its 512 MiB at a paced rate.
    const fill = runCommand(scope.docker, writerId, {
      script: "for i in $(seq 1 256); do dd if=/dev/zero of=/var/fill-$i bs=1M count=2 conv=fsync status=none; done",
      timeoutMs: 60_000,
    }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(() => runtime.containerOf(writer.id, "node1")).toThrow(ContainerDiedError), {
      timeout: 30_000,
      interval: 200,
    });
    const died = (() => {
      try {
        runtime.containerOf(writer.id, "node1");
      } catch (error) {
        return error;
      }
    })() as ContainerDiedError;
    expect(died.diskQuotaMiB).toBe(32);
    expect(died.message).toContain("disk quota of 32 MiB");
    expect(died.remedy).toContain("restart the host");
    await fill;
    // The kill has been sent; the engine records the container as stopped a moment later.
    await vi.waitFor(
      async () => expect((await scope.docker.getContainer(writerId).inspect()).State.Running).toBe(false),
      { timeout: 10_000, interval: 200 },
    );

    const alive = await runCommand(scope.docker, runtime.containerOf(neighbour.id, "node1"), {
      script: "test -f /var/small && echo fine",
    });
    expect(alive.stdout).toContain("fine");
    expect((await scope.docker.getContainer(neighbourId).inspect()).State.Running).toBe(true);
  });

  it("refuses new environments while the engine's disk has less free space than the reserve", async () => {
    const refusing = await scope.runtime({ diskReserveMiB: 1_000_000_000 });
    const refused = await refusing.create(scope.spec()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiskReserveLowError);
    expect((refused as DiskReserveLowError).code).toBe("disk_reserve_low");
    expect((refused as DiskReserveLowError).message).toContain("below its reserve of 1000000000 MiB");
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });

    const accepting = await scope.runtime({ diskReserveMiB: 1 });
    const environment = await accepting.create(scope.spec());
    expect(environment.hosts).toHaveLength(1);
  });
});
