// The isolation suite, written once and run against each backend: the single engine on every OCI
// runtime it offers (src/environments/isolation.int.test.ts) and the Swarm backend on the 3-node
// Docker-in-Docker Swarm (src/swarm/swarm-backend.int.test.ts, which reuses its cluster). Every case
// drives the sandbox through the backend-neutral SandboxRuntime and Environment handle; only reading
// a container's configuration needs the engine that runs it (IsolationTarget.inspect).
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandResult } from "../src/commands/run-command";
import type { EnvironmentSpecInput } from "../src/environments/environment";

type HostSpecInput = EnvironmentSpecInput["hosts"][number];

import type { SandboxRuntime } from "../src/environments/sandbox-runtime";
import { CommandTimedOutError } from "../src/errors";

export interface IsolationTarget {
  runtime: SandboxRuntime;
  /** The image every host of the suite runs (it needs bash, perl, unshare, mount). */
  image: string;
  /** CPUs per host (the default 1 overfills a small test Swarm's reservations). */
  cpus: number;
  /** The container that runs a host, inspected on the engine that runs it. */
  inspect(environmentId: string, host: string): Promise<Dockerode.ContainerInspectInfo>;
  /** Listeners of the machines that run sandboxes (node engines, the registry): no host may reach one. */
  machineListeners: readonly { address: string; port: number }[];
  /** Removes what the suite made. */
  cleanup(): Promise<void>;
}

export interface IsolationBackend {
  /** What the describe block is called, e.g. "on the runc runtime" or "on Swarm". */
  name: string;
  setup(): Promise<IsolationTarget>;
  /** Backend-specific expectations on a host's inspected container (e.g. the OCI runtime, a flag in SecurityOpt). */
  expectConfiguration(inspected: Dockerode.ContainerInspectInfo): void;
  /** Whether no-new-privileges comes from the node daemon's configuration rather than the container's own options. */
  noNewPrivilegesFromDaemon: boolean;
}

const MIB = 1024 * 1024;
const LISTEN_PORT = 7100;

/** `perl` listener on LISTEN_PORT, in the background, greeting every client until the host goes. */
const LISTENER = `nohup perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalPort => ${LISTEN_PORT}, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) { print $c "hello\\n"; close $c }' >/dev/null 2>&1 &`;

/** Prints `reached` when a TCP connection to address:port opens within 3 s, else `unreachable`. */
const reach = (address: string, port: number) =>
  `(timeout 3 bash -c 'exec 3<>/dev/tcp/${address}/${port}' 2>/dev/null && echo reached || echo unreachable)`;

export function defineIsolationSuite(backend: IsolationBackend): void {
  describe(`the isolation suite ${backend.name}`, () => {
    let target: IsolationTarget;
    let runtime: SandboxRuntime;
    let single: string;
    let multi: string;
    let other: string;

    const hosts = (names: string[], overrides: Partial<HostSpecInput> = {}) => ({
      hosts: names.map((name) => ({ name, image: target.image, cpus: target.cpus, ...overrides })),
      ttlSeconds: 600,
      idleTimeoutSeconds: 600,
    });
    const run = (environmentId: string, host: string, script: string, user?: string): Promise<CommandResult> =>
      runtime.environment(environmentId).commands.run(host, { script, timeoutMs: 30_000, ...(user ? { user } : {}) });

    beforeAll(async () => {
      target = await backend.setup();
      runtime = target.runtime;
      const created = await Promise.all([
        runtime.create(hosts(["box"])),
        runtime.create(hosts(["node1", "node2"])),
        runtime.create(hosts(["node1", "node2"])),
      ]);
      [single, multi, other] = created.map((environment) => environment.id) as [string, string, string];
    }, 300_000);
    afterAll(async () => {
      await target?.cleanup();
    }, 120_000);

    describe("the container configuration", () => {
      it("drops every capability, forbids new privileges and bounds pids, memory and cpu", async () => {
        for (const [environmentId, host, networks] of [
          [single, "box", undefined],
          [multi, "node1", [`circus-${multi}`]],
        ] as const) {
          const inspected = await target.inspect(environmentId, host);
          const config = inspected.HostConfig;
          backend.expectConfiguration(inspected);
          expect(config.CapDrop).toEqual(["ALL"]);
          expect(config.CapAdd ?? []).toEqual([]);
          expect(config.Privileged).toBe(false);
          if (!backend.noNewPrivilegesFromDaemon) expect(config.SecurityOpt).toContain("no-new-privileges");
          expect(config.SecurityOpt?.some((option: string) => option.includes("unconfined")) ?? false).toBe(false);
          expect(config.PidsLimit).toBe(512);
          expect(config.Memory).toBe(512 * MIB);
          expect(config.NanoCpus).toBe(Math.round(target.cpus * 1e9));
          expect(config.Init).toBe(true);
          expect(config.PidMode ?? "").toBe("");
          expect(config.UsernsMode ?? "").toBe("");
          expect(config.Devices ?? []).toEqual([]);
          expect(inspected.Mounts.some((mount) => mount.Source.includes("docker.sock"))).toBe(false);
          // The one bind a host may have: its own terminal pipes folder, read-only (see src/terminals).
          for (const bind of inspected.Mounts.filter((mount) => mount.Type === "bind")) {
            expect(bind).toMatchObject({ Destination: "/run/circus-terminals", RW: false });
            expect(bind.Source.endsWith(`/${environmentId}/${host}`)).toBe(true);
          }
          expect(inspected.Config.Env.some((variable) => variable.startsWith("DOCKER_"))).toBe(false);
          // A multi-host environment is on its own network and nothing else (one host alone: on none, or its own).
          const attached = Object.keys(inspected.NetworkSettings.Networks);
          if (networks) expect(attached).toEqual(networks);
          else expect([["none"], [`circus-${single}`]]).toContainEqual(attached);
        }
      });
    });

    describe("from inside the sandbox", () => {
      it("cannot mount, load kernel modules or make a user namespace", async () => {
        for (const script of ["mount -t tmpfs x /mnt", "unshare -r true", "unshare -n true"]) {
          const result = await run(single, "box", script);
          expect(result.exitCode, script).not.toBe(0);
        }
        // init_module(2) itself (no module tools needed in the image): EPERM from the seccomp filter, which lets it
        // through only with CAP_SYS_MODULE (without the filter a kernel without module support says ENOSYS, 38).
        const module = await run(single, "box", `perl -e 'my $image = ""; syscall(175, 0, 0, $image); print $! + 0'`);
        expect(module.stdout).toBe("1");
      });

      it("gains no privileges from a setuid-root binary (no-new-privileges)", async () => {
        const setup = await run(
          single,
          "box",
          "cp /usr/bin/id /usr/local/bin/suid-id && chmod 4755 /usr/local/bin/suid-id",
        );
        expect(setup.exitCode).toBe(0);
        expect((await run(single, "box", "stat -c %a /usr/local/bin/suid-id")).stdout.trim()).toBe("4755");
        const result = await run(single, "box", "/usr/local/bin/suid-id -u; /usr/local/bin/suid-id -un", "nobody");
        expect(result.stdout.trim().split("\n")).toEqual(["65534", "nobody"]);
        expect((await run(single, "box", "grep ^NoNewPrivs /proc/self/status")).stdout).toMatch(/^NoNewPrivs:\s*1$/m);
      });

      it("has no engine socket and no DOCKER_ variables", async () => {
        const result = await run(
          single,
          "box",
          "test -e /var/run/docker.sock && echo socket; test -e /run/docker.sock && echo socket; env | grep ^DOCKER_ || echo clean",
        );
        expect(result.stdout.trim()).toBe("clean");
      });

      it("reaches no other learner's host and no listener of the machines that run it", async () => {
        await run(multi, "node1", LISTENER);
        const address = (await run(multi, "node1", "hostname -I")).stdout.trim().split(" ")[0]!;
        // Control: the listener answers its own environment.
        const inside = await run(
          multi,
          "node2",
          `for i in $(seq 25); do ${reach(address, LISTEN_PORT)} | grep -q ^reached && echo reached && break; sleep 0.2; done`,
        );
        expect(inside.stdout).toBe("reached\n");
        for (const [environmentId, host] of [
          [other, "node1"],
          [single, "box"],
        ] as const) {
          expect((await run(environmentId, host, reach(address, LISTEN_PORT))).stdout, host).toBe("unreachable\n");
          for (const listener of target.machineListeners) {
            const probe = await run(environmentId, host, reach(listener.address, listener.port));
            expect(probe.stdout, `${listener.address}:${listener.port}`).toBe("unreachable\n");
          }
        }
      });

      it("stops a fork bomb at the pids limit while another sandbox stays responsive", async () => {
        const bombed = await runtime.create(hosts(["bomb"], { pids: 64 }));
        const exploding = runtime.environment(bombed.id).commands.run("bomb", {
          // The bomb runs in the background; the command itself then waits (exec: no fork needed).
          script: "bomb() { bomb | bomb & }; bomb; exec sleep 1000",
          timeoutMs: 5000,
        });
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const meanwhile = await run(single, "box", "echo alive");
        expect(meanwhile.stdout).toBe("alive\n");
        await expect(exploding).rejects.toThrow(CommandTimedOutError);

        const after = await run(
          bombed.id,
          "bomb",
          "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids/pids.events /proc/[0-9]*/comm 2>/dev/null",
        );
        const [max, events, ...processes] = after.stdout.trim().split("\n");
        expect(max).toBe("64");
        expect(Number(events?.replace("max ", ""))).toBeGreaterThan(0); // forks were refused at the limit
        expect(processes.filter((name) => name === "bash").length).toBeLessThanOrEqual(1); // only our `run`'s shell
      });

      it("OOM-kills a memory bomb inside its own sandbox only", async () => {
        const small = await runtime.create(hosts(["small"], { memoryMiB: 64 }));
        const result = await runtime.environment(small.id).commands.run("small", {
          argv: ["perl", "-e", 'my @blocks; while (1) { push @blocks, "x" x (8 << 20) }'],
          timeoutMs: 60_000,
        });
        expect(result.exitCode).toBe(137);
        expect((await target.inspect(small.id, "small")).HostConfig.Memory).toBe(64 * MIB);
        expect((await run(small.id, "small", "echo still-here")).stdout).toBe("still-here\n");
        expect((await run(single, "box", "echo alive")).stdout).toBe("alive\n");
      });
    });
  });
}
