// The isolation suite on a Docker-enabled host: what the learner's inner containers can do stays
// inside the sandbox. Escapes are tried from the learner's shell and from containers started with
// `--privileged` and `--cap-add ALL`; the sandbox's own limits are read back afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, seedStandIns } from "../../test/docker-fixture";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import { REGISTRY_CONTAINER } from "../docker-inside/registry";
import type { SandboxRuntime } from "./sandbox-runtime";

describe("isolation of a Docker-enabled host", () => {
  let scope: TestScope;
  let runtime: SandboxRuntime;
  let dock: string;
  let neighbour: { container: string; address: string };

  beforeAll(async () => {
    scope = createTestScope();
    await seedStandIns(scope.docker, ["busybox", "python"]);
    runtime = await scope.runtime();
    const [mine, theirs] = await Promise.all([
      runtime.create(scope.spec(undefined, { hosts: [{ ...dockerHost("dock", 512), pids: 256 }] })),
      runtime.create(scope.spec(undefined, { hosts: [dockerHost("theirs", 512)] })),
    ]);
    dock = runtime.containerOf(mine!.id, "dock");
    const container = runtime.containerOf(theirs!.id, "theirs");
    const inspected = await scope.docker.getContainer(container).inspect();
    const address = Object.values(inspected.NetworkSettings.Networks)[0]!.IPAddress;
    neighbour = { container, address };
    // something listening in the other sandbox, which this one must not reach
    await runCommand(scope.docker, container, { script: "nohup python3 -m http.server 8000 >/dev/null 2>&1 &" });
  });
  afterAll(async () => {
    await scope.cleanup();
  });

  const sh = async (script: string, timeoutMs = 90_000) => {
    const result = await runCommand(scope.docker, dock, { script, timeoutMs });
    return { ...result, output: `${result.stdout}${result.stderr}` };
  };
  /** Every capability in the inner container's user namespace, and no seccomp filter of its own (the sandbox's applies). */
  const ALL_IN = "--cap-add ALL --security-opt seccomp=unconfined";
  const limits = async () =>
    (await sh("cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes")).stdout;

  it("mounts nothing of the engine's machine: / in a container is the sandbox's own root", async () => {
    const result = await sh(
      "docker run --rm -v /:/host busybox sh -c 'cat /host/etc/hostname; ls /host/home; test -e /host/var/run/docker.sock && echo SOCKET; true'",
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stdout).toBe("dock\nlearner\n");
    const devices = await sh(`docker run --rm ${ALL_IN} busybox ls /dev`);
    expect(devices.exitCode, devices.output).toBe(0);
    expect(devices.stdout).not.toMatch(/\b(sd[a-z]|vd[a-z]|nvme|kmsg|mem)\b/);
  });

  it("cannot raise its own cgroup limits from a new user namespace or a container with every capability", async () => {
    const before = await limits();
    expect(before).toBe(`256\n${512 * 1024 * 1024}\n`);
    for (const script of [
      "echo 100000 > /sys/fs/cgroup/pids/pids.max",
      "unshare -Ur sh -c 'mount -t cgroup -o pids none /mnt'",
      "unshare -Urm sh -c 'mount -t tmpfs none /mnt && mkdir /mnt/p && mount -t cgroup -o pids none /mnt/p'",
      "unshare -Ur --cgroup true",
      "unshare -Urm sh -c 'mount -o remount,rw /sys/fs/cgroup && echo 100000 > /sys/fs/cgroup/pids/pids.max'",
      `docker run --rm ${ALL_IN} busybox sh -c 'mkdir -p /c && mount -t cgroup -o pids none /c'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'mkdir -p /c && mount -t cgroup2 none /c'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'echo 100000 > /sys/fs/cgroup/pids/pids.max'`,
    ]) {
      const result = await sh(script);
      expect(result.exitCode, `${script}\n${result.output}`).not.toBe(0);
    }
    expect(await limits()).toBe(before);
  });

  it("gives --cap-add ALL capabilities that reach nothing beyond the sandbox; --privileged does not start", async () => {
    const inside = await sh(`docker run --rm ${ALL_IN} busybox grep CapEff /proc/self/status`);
    expect(inside.exitCode, inside.output).toBe(0);
    expect(inside.stdout).toBe("CapEff:\t000001ffffffffff\n"); // full, but in the container's own user namespace
    // a privileged container needs a fresh sysfs, which the sandbox's masked /sys refuses
    const privileged = await sh("docker run --rm --privileged busybox true");
    expect(privileged.exitCode).not.toBe(0);
    expect(privileged.stderr).toContain("Operation not permitted");
    for (const script of [
      `docker run --rm ${ALL_IN} busybox sh -c 'modprobe dummy'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'insmod /nonexistent.ko'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'echo "|/tmp/x" > /proc/sys/kernel/core_pattern'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'mknod /tmp/disk b 8 0 && head -c1 /tmp/disk'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'mkdir -p /m && mount -t sysfs none /m'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'mkdir -p /m && mount -t proc none /m'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'mkdir -p /m && mount -t debugfs none /m'`,
      `docker run --rm ${ALL_IN} busybox sh -c 'hostname escaped && cat /proc/sys/kernel/hostname && nsenter -t 1 -u hostname escaped'`,
      "echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start",
    ]) {
      const result = await sh(script);
      expect(result.exitCode, `${script}\n${result.output}`).not.toBe(0);
    }
    expect((await sh("cat /proc/sys/kernel/core_pattern")).stdout).not.toContain("/tmp/x");
    expect((await sh("hostname")).stdout).toBe("dock\n");
    // capabilities inside are those of the container's own user namespace: none in the sandbox's
    expect((await sh("grep CapEff /proc/self/status")).stdout).toBe("CapEff:\t0000000000000000\n");
  });

  it("sees no other sandbox: not its processes, not its network", async () => {
    const served = await runCommand(scope.docker, neighbour.container, {
      script: "for i in $(seq 50); do curl -sf -o /dev/null localhost:8000 && echo served && break; sleep 0.1; done",
    });
    expect(served.stdout).toBe("served\n"); // it is there, for its own sandbox
    const processes = await sh("ps -e -o comm=");
    expect(processes.stdout).not.toContain("python3");
    for (const script of [
      `docker run --rm busybox wget -q -T 3 -O- http://${neighbour.address}:8000/`,
      `curl -s -m 3 http://${neighbour.address}:8000/`,
      "docker run --rm busybox wget -q -T 3 -O- http://theirs:8000/",
    ]) {
      const result = await sh(script);
      expect(result.exitCode, `${script}\n${result.output}`).not.toBe(0);
    }
    // the shared registry never routes between the environments it serves
    const registry = await scope.docker.getContainer(REGISTRY_CONTAINER).inspect();
    expect(registry.HostConfig.Sysctls).toMatchObject({ "net.ipv4.ip_forward": "0" });
    expect(registry.HostConfig.CapDrop).toEqual(["ALL"]);
  });

  it("keeps inner containers within the sandbox's pids and memory limits", async () => {
    const bomb = await sh(
      "docker run --rm busybox sh -c 'bomb() { bomb | bomb & }; bomb; sleep 5'; cat /sys/fs/cgroup/pids/pids.events",
      120_000,
    );
    expect(Number(/max (\d+)/.exec(bomb.stdout)?.[1])).toBeGreaterThan(0); // forks refused at the sandbox's limit
    const hog = await sh("docker run --rm python python3 -c \"b = bytearray(700 * 1024 * 1024); print('kept')\"");
    expect(hog.exitCode, hog.output).not.toBe(0);
    expect(hog.stdout).not.toContain("kept");
    expect((await sh("echo still-here")).stdout).toBe("still-here\n");
    expect(await limits()).toBe(`256\n${512 * 1024 * 1024}\n`);
    expect((await scope.docker.getContainer(dock).inspect()).State.Running).toBe(true);
  });
});
