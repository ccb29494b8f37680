// The runtime against the real engine: create/destroy, networks, typed errors without leaks,
// the create queue and capacity, and deaths surfacing as ContainerDiedError.
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestScope, quietLogger, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import {
  CapacityExceededError,
  ContainerDiedError,
  EngineUnreachableError,
  EnvironmentNotFoundError,
  HostNotFoundError,
  ImageMissingError,
  InvalidSpecError,
} from "../errors";
import type { TerminalSession } from "../terminals/terminal-session";
import { createSandboxRuntime } from "./sandbox-runtime";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe("create and destroy", () => {
  it("creates a single-host environment without network and destroys it", async () => {
    const runtime = await scope.runtime();
    const environment = await runtime.create(scope.spec(["node1"], { owner: "learner-1" }));
    expect(environment.hosts.map((host) => host.name)).toEqual(["node1"]);
    expect(environment.networkId).toBeUndefined();
    expect(environment.expiresAt.getTime() - environment.createdAt.getTime()).toBe(600_000);
    expect(runtime.get(environment.id)?.owner).toBe("learner-1");
    expect(runtime.list().map((listed) => listed.id)).toEqual([environment.id]);

    const containerId = runtime.containerOf(environment.id, "node1");
    const inspected = await scope.docker.getContainer(containerId).inspect();
    expect(inspected.State.Running).toBe(true);
    expect(inspected.Config.Hostname).toBe("node1");
    expect(inspected.Config.Labels).toMatchObject({
      "circus.environment": environment.id,
      "circus.host": "node1",
      "circus.owner": "learner-1",
      "circus.expires-at": environment.expiresAt.toISOString(),
      "circus.test": scope.id,
    });
    expect(inspected.Config.Labels["circus.version"]).toMatch(/^\d+\.\d+\.\d+/);

    await runtime.destroy(environment.id);
    await runtime.destroy(environment.id); // idempotent
    expect(runtime.get(environment.id)).toBeUndefined();
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("creates a multi-host environment whose hosts resolve each other by name, with no way out", async () => {
    const runtime = await scope.runtime();
    const environment = await runtime.create(scope.spec(["node1", "node2"]));
    expect(environment.networkId).toBeDefined();
    expect(await scope.count()).toEqual({ containers: 2, networks: 1 });
    const node1 = runtime.containerOf(environment.id, "node1");

    const resolved = await runCommand(scope.docker, node1, { argv: ["getent", "hosts", "node2"] });
    expect(resolved.exitCode).toBe(0);
    expect(resolved.stdout).toMatch(/^\d+\.\d+\.\d+\.\d+\s+node2/);
    // A refused connection is an answer from node2's kernel: the hosts reach each other.
    const refused = await runCommand(scope.docker, node1, {
      argv: ["timeout", "5", "bash", "-c", "echo > /dev/tcp/node2/7"],
    });
    expect(refused.stderr).toContain("Connection refused");

    const network = await scope.docker.getNetwork(environment.networkId!).inspect();
    expect(network.Internal).toBe(true);
    expect(network.Options?.["com.docker.network.bridge.inhibit_ipv4"]).toBe("true");
    // TEST-NET-1 (never routed) and the gateway of the bridge (the engine's machine) are both unreachable.
    const gateway = network.IPAM?.Config?.[0]?.Gateway as string;
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const address of ["192.0.2.1", gateway]) {
      const connect = await runCommand(scope.docker, node1, {
        argv: ["timeout", "1", "bash", "-c", 'echo > "/dev/tcp/$0/80"', address],
      });
      expect(connect.exitCode, `connect to ${address}`).not.toBe(0);
    }

    await runtime.destroy(environment.id);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("gives a single host a private network when the spec asks for one", async () => {
    const runtime = await scope.runtime();
    const environment = await runtime.create(scope.spec(["solo"], { network: true }));
    const inspected = await scope.docker.getContainer(runtime.containerOf(environment.id, "solo")).inspect();
    expect(inspected.HostConfig.NetworkMode).toBe(`circus-${environment.id}`);
  });

  it("throws typed errors for unknown environments and hosts", async () => {
    const runtime = await scope.runtime();
    const environment = await runtime.create(scope.spec());
    expect(() => runtime.containerOf("nope", "node1")).toThrow(EnvironmentNotFoundError);
    expect(() => runtime.containerOf(environment.id, "node9")).toThrow(HostNotFoundError);
    expect(() => runtime.touch("nope")).toThrow(EnvironmentNotFoundError);
    expect(() => runtime.extend("nope", 60)).toThrow(EnvironmentNotFoundError);
    const extended = runtime.extend(environment.id, 60);
    expect(extended.expiresAt.getTime() - environment.expiresAt.getTime()).toBe(60_000);
  });
});

describe("failures leak nothing", () => {
  it("rejects an invalid spec naming the field", async () => {
    const runtime = await scope.runtime();
    const bad = { ...scope.spec(), hosts: [{ name: "node1", image: "circus/base:latest", memoryMiB: -1 }] };
    await expect(runtime.create(bad)).rejects.toThrow(InvalidSpecError);
    await expect(runtime.create(bad)).rejects.toThrow(/hosts\.0\.memoryMiB/);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("throws ImageMissingError for a missing image and removes the network it made", async () => {
    const runtime = await scope.runtime();
    const spec = scope.spec(["node1"]);
    spec.hosts.push({ name: "node2", image: "circus/does-not-exist:latest" });
    await expect(runtime.create(spec)).rejects.toThrow(ImageMissingError);
    expect(runtime.list()).toEqual([]);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("removes the network when the engine refuses the containers (an OCI runtime it does not know)", async () => {
    // Forced past the option's type: the point is an engine-side failure after the network exists.
    const runtime = await scope.runtime({ runtime: "circus-no-such-runtime" as "runc" });
    const environment = runtime.create(scope.spec(["node1", "node2", "node3"]));
    await expect(environment).rejects.toThrow(/runtime/i);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("removes everything when the create is aborted midway", async () => {
    const runtime = await scope.runtime();
    const controller = new AbortController();
    const creating = runtime.create(scope.spec(["node1", "node2", "node3"]), { signal: controller.signal });
    // Abort once the engine holds at least one of its containers.
    await vi.waitFor(
      async () => {
        if ((await scope.count()).containers === 0) throw new Error("no container yet");
      },
      { timeout: 10_000, interval: 5 },
    );
    controller.abort();
    await expect(creating).rejects.toThrow(/abort/i);
    expect(runtime.list()).toEqual([]);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("throws EngineUnreachableError for an engine that is not there", async () => {
    const docker = new Dockerode({ socketPath: `/tmp/circus-no-engine-${scope.id}.sock` });
    await expect(createSandboxRuntime({ docker, logger: quietLogger, labels: scope.labels })).rejects.toThrow(
      EngineUnreachableError,
    );
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });
});

describe("queue and capacity", () => {
  it("runs 20 concurrent creates through a cap of 4, all succeeding", async () => {
    const runtime = await scope.runtime({ maxConcurrentCreates: 4, maxEnvironments: 20 });
    const environments = await Promise.all(Array.from({ length: 20 }, () => runtime.create(scope.spec())));
    expect(new Set(environments.map((environment) => environment.id)).size).toBe(20);
    expect((await scope.count()).containers).toBe(20);
    await expect(runtime.create(scope.spec())).rejects.toThrow(CapacityExceededError);
    await Promise.all(environments.map((environment) => runtime.destroy(environment.id)));
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });
});

describe("container deaths", () => {
  it("surfaces a stopped host as ContainerDiedError, from containerOf and from runCommand", async () => {
    const runtime = await scope.runtime();
    const environment = await runtime.create(scope.spec());
    const containerId = runtime.containerOf(environment.id, "node1");
    await scope.docker.getContainer(containerId).kill({ signal: "SIGKILL" });
    await vi.waitFor(() => expect(() => runtime.containerOf(environment.id, "node1")).toThrow(ContainerDiedError), {
      timeout: 10_000,
    });
    const died = await runCommand(scope.docker, containerId, { argv: ["true"] }).catch((error: unknown) => error);
    expect(died).toBeInstanceOf(ContainerDiedError);
    expect(died).toMatchObject({ host: "node1", exitCode: 137, oomKilled: false });
  });
});

describe("terminal pipes", () => {
  /** Types `command` into the session and waits for `expected` in its output. */
  async function typeAndSee(session: TerminalSession, command: string, expected: string) {
    let output = "";
    const client = session.attach({
      onData: (chunk) => {
        output += Buffer.from(chunk).toString();
      },
      onExit() {},
    });
    client.write(`${command}\r`);
    const deadline = Date.now() + 30_000;
    while (!output.includes(expected)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expected}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    client.dispose();
  }

  it("give each host a read-only folder its terminals run on, kept across a restart, removed with the environment", async () => {
    const root = await mkdtemp(join(tmpdir(), "circus-pipes-"));
    try {
      const runtime = await scope.runtime({ terminalPipes: root });
      const environment = await runtime.create(scope.spec(["node1", "node2"]));
      const folder = join(root, environment.id, "node1");
      expect((await stat(folder)).mode & 0o777).toBe(0o711);
      const binds = async () =>
        (await scope.docker.getContainer(runtime.containerOf(environment.id, "node1")).inspect()).HostConfig.Binds;
      expect(await binds()).toEqual([`${folder}:/run/circus-terminals:ro`]);

      const handle = runtime.environment(environment.id);
      const first = await handle.terminals.open("node1", "t1", { cols: 80, rows: 24 });
      expect(first.stats().transport).toBe("pipes");
      await typeAndSee(first, "echo piped-$((6*7))", "piped-42");

      await runtime.restartHost(environment.id, "node1");
      expect(await binds()).toEqual([`${folder}:/run/circus-terminals:ro`]);
      const second = await handle.terminals.open("node1", "t2", { cols: 80, rows: 24 });
      expect(second.stats().transport).toBe("pipes");
      await typeAndSee(second, "echo again-$((7*7))", "again-49");

      await runtime.destroy(environment.id);
      await expect(stat(join(root, environment.id))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("are removed at start-up when their environment is gone, once older than a create could take", async () => {
    const root = await mkdtemp(join(tmpdir(), "circus-pipes-"));
    try {
      const stale = join(root, "0123456789ab");
      const fresh = join(root, "ba9876543210");
      await mkdir(join(stale, "node1"), { recursive: true });
      await mkdir(join(fresh, "node1"), { recursive: true });
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(stale, hourAgo, hourAgo);
      await scope.runtime({ terminalPipes: root });
      expect((await readdir(root)).sort()).toEqual(["ba9876543210"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("can be turned off: terminals then go through the engine", async () => {
    const runtime = await scope.runtime({ terminalPipes: false });
    const environment = await runtime.create(scope.spec(["node1"]));
    const session = await runtime.environment(environment.id).terminals.open("node1", "t1", { cols: 80, rows: 24 });
    expect(session.stats().transport).toBe("engine");
    await typeAndSee(session, "echo engine-$((8*8))", "engine-64");
  });
});
