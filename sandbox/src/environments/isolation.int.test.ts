// Isolation of a sandbox, checked twice on every OCI runtime the engine offers (runc always, gVisor's
// runsc where registered): on the container's configuration as the engine reports it, and from
// inside, by trying what a learner must not be able to do.
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import type { ContainerRuntime } from "../config";
import { offeredOciRuntimes } from "../engine/oci-runtimes";
import { CommandTimedOutError } from "../errors";
import type { SandboxRuntime } from "./sandbox-runtime";

const offered = await offeredOciRuntimes(new Dockerode());
const runtimesUnderTest = (["runc", "runsc"] as const satisfies ContainerRuntime[]).filter((name) =>
  offered.includes(name),
);

it("runs on an engine that offers runc", () => {
  expect(offered).toContain("runc");
});

describe.each(runtimesUnderTest)("on the %s runtime", (ociRuntime) => {
  let scope: TestScope;
  let runtime: SandboxRuntime;
  let single: string;
  let multi: { node1: string; networkName: string };

  beforeAll(async () => {
    scope = createTestScope();
    runtime = await scope.runtime({ runtime: ociRuntime });
    const [one, two] = await Promise.all([
      runtime.create(scope.spec(["box"])),
      runtime.create(scope.spec(["node1", "node2"])),
    ]);
    single = runtime.containerOf(one!.id, "box");
    multi = { node1: runtime.containerOf(two!.id, "node1"), networkName: `circus-${two!.id}` };
  });
  afterAll(async () => {
    await scope.cleanup();
  });

  const run = (containerId: string, script: string, user?: string) =>
    runCommand(scope.docker, containerId, { script, timeoutMs: 30_000, ...(user ? { user } : {}) });

  describe("the container configuration", () => {
    it("drops every capability, forbids new privileges and bounds pids, memory and cpu", async () => {
      for (const [containerId, networkMode] of [
        [single, "none"],
        [multi.node1, multi.networkName],
      ] as const) {
        const inspected = await scope.docker.getContainer(containerId).inspect();
        const host = inspected.HostConfig;
        expect(host.Runtime).toBe(ociRuntime);
        expect(host.CapDrop).toEqual(["ALL"]);
        expect(host.CapAdd ?? []).toEqual([]);
        expect(host.Privileged).toBe(false);
        expect(host.SecurityOpt).toContain("no-new-privileges");
        expect(host.SecurityOpt?.some((option: string) => option.includes("unconfined"))).toBe(false);
        expect(host.PidsLimit).toBe(512);
        expect(host.Memory).toBe(512 * 1024 * 1024);
        expect(host.MemorySwap).toBe(host.Memory);
        expect(host.NanoCpus).toBe(1e9);
        expect(host.Init).toBe(true);
        expect(host.NetworkMode).toBe(networkMode);
        expect(host.PidMode ?? "").toBe("");
        expect(host.IpcMode).toBe("private");
        expect(host.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } });
        expect(Object.keys(host.Tmpfs ?? {}).sort()).toEqual(["/run", "/tmp"]);
        expect(inspected.Mounts.some((mount) => mount.Source.includes("docker.sock"))).toBe(false);
        expect(inspected.Config.Env.some((variable) => variable.startsWith("DOCKER_"))).toBe(false);
      }
    });
  });

  describe("from inside the sandbox", () => {
    it("cannot mount, load kernel modules or make a user namespace", async () => {
      for (const script of [
        "mount -t tmpfs x /mnt",
        "insmod /nonexistent.ko",
        "modprobe dummy",
        "unshare -r true",
        "unshare -n true",
      ]) {
        const result = await run(single, script);
        expect(result.exitCode, script).not.toBe(0);
      }
    });

    it("gains no privileges from a setuid-root binary (no-new-privileges)", async () => {
      const setup = await run(single, "cp /usr/bin/id /usr/local/bin/suid-id && chmod 4755 /usr/local/bin/suid-id");
      expect(setup.exitCode).toBe(0);
      expect((await run(single, "stat -c %a /usr/local/bin/suid-id")).stdout.trim()).toBe("4755");
      const result = await run(single, "/usr/local/bin/suid-id -u; /usr/local/bin/suid-id -un", "nobody");
      expect(result.stdout.trim().split("\n")).toEqual(["65534", "nobody"]);
    });

    it("has no engine socket and no DOCKER_ variables", async () => {
      const result = await run(
        single,
        "test -e /var/run/docker.sock && echo socket; env | grep ^DOCKER_ || echo clean",
      );
      expect(result.stdout.trim()).toBe("clean");
    });

    it("stops a fork bomb at the pids limit while another sandbox stays responsive", async () => {
      const bombed = await runtime.create(
        scope.spec(["bomb"], { hosts: [{ name: "bomb", image: "circus/base:latest", pids: 64 }] }),
      );
      const bomb = runtime.containerOf(bombed.id, "bomb");
      const exploding = runCommand(scope.docker, bomb, {
        // The bomb runs in the background; the command itself then waits (exec: no fork needed).
        script: "bomb() { bomb | bomb & }; bomb; exec sleep 1000",
        timeoutMs: 5000,
      });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const meanwhile = await run(single, "echo alive");
      expect(meanwhile.stdout).toBe("alive\n");
      await expect(exploding).rejects.toThrow(CommandTimedOutError);

      const after = await run(bomb, "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids/pids.events; ps -e -o comm=");
      const [max, events, ...processes] = after.stdout.trim().split("\n");
      expect(max).toBe("64");
      expect(Number(events?.replace("max ", ""))).toBeGreaterThan(0); // forks were refused at the limit
      expect(processes.filter((name) => name === "bash").length).toBeLessThanOrEqual(1); // only our `run`'s shell
    });

    it("OOM-kills a memory bomb inside its own sandbox only", async () => {
      const small = await runtime.create(
        scope.spec(["small"], { hosts: [{ name: "small", image: "circus/base:latest", memoryMiB: 64 }] }),
      );
      const container = runtime.containerOf(small.id, "small");
      const result = await runCommand(scope.docker, container, {
        argv: ["python3", "-c", "blocks = []\nwhile True: blocks.append(b'x' * (8 << 20))"],
        timeoutMs: 60_000,
      });
      expect(result.exitCode).toBe(137);
      expect((await run(container, "echo still-here")).stdout).toBe("still-here\n");
      expect((await run(single, "echo alive")).stdout).toBe("alive\n");
    });
  });
});
