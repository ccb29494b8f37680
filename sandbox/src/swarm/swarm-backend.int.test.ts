// The Swarm backend on a real 3-node Swarm of Docker-in-Docker engines (sandbox/test/swarm-cluster.ts):
// start-up check, hardening, spread, a terminal and a command on a worker, a 3-host environment over
// its overlay, node loss, the disk quota through the node engines, and the shared isolation suite (test/isolation-suite.ts, the same cases as on
// the single engine) through the Swarm SandboxRuntime. One cluster for the whole file; hosts use
// circus/standin-debian (74 MB: bash, perl, getent, unshare) so that pushing and pulling stay short.
// Each run has a scope of its own (two runs on one engine never clash); a crashed run's leftovers are removed
// by the next run once the process that made them is gone.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietLogger, TEST_LABEL } from "../../test/environment-fixture";
import { defineIsolationSuite } from "../../test/isolation-suite";
import { memoryLeases } from "../../test/memory-leases";
import {
  removeSwarmLeftovers,
  type SwarmCluster,
  startSwarmCluster,
  swarmBackendOn,
  waitForNodeState,
} from "../../test/swarm-cluster";
import type { EnvironmentSpecInput } from "../environments/environment";
import type { HostState } from "../environments/environment-handle";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { ContainerDiedError } from "../errors";
import { checkSwarmNodes } from "./check-swarm-nodes";
import { hostServiceName } from "./host-service";
import { locateHost, NodeEngines } from "./host-tasks";
import type { SwarmBackend } from "./swarm-backend";
import type { SwarmEnvironment } from "./swarm-environment";
import { DockerHostOnSwarmError, HostTaskNotRunningError } from "./swarm-errors";
import { createSwarmSandboxRuntime, type SwarmSandboxRuntimeOptions } from "./swarm-sandbox-runtime";
import { createSwarmWarmPool } from "./swarm-warm-pool";

const IMAGE = "circus/standin-debian:latest";
/** Every run's scope starts with this, then names the process that runs it (to tell a crashed run's leftovers). */
const SCOPE_PREFIX = "swarm-backend-int-";
const SCOPE = `${SCOPE_PREFIX}${process.pid}-${randomBytes(3).toString("hex")}`;

let cluster: SwarmCluster;
let backend: SwarmBackend;

const spec = (hosts: string[] = ["main"]): EnvironmentSpecInput => ({
  hosts: hosts.map((name) => ({ name, image: IMAGE, cpus: 0.1, memoryMiB: 48, pids: 64 })),
  ttlSeconds: 600,
  idleTimeoutSeconds: 600,
});

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** A Swarm runtime on the test cluster whose services carry circus.test=`scope`. */
function swarmRuntime(scope: string, extra: Partial<SwarmSandboxRuntimeOptions> = {}): Promise<SandboxRuntime> {
  return createSwarmSandboxRuntime({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    labels: { [TEST_LABEL]: scope },
    logger: quietLogger,
    ...extra,
  });
}

/** Removes what earlier runs of this file left on the shared engine whose process is gone (a crash skips afterAll). */
async function removeCrashedRuns(): Promise<void> {
  const docker = new Dockerode();
  const filters = { label: [TEST_LABEL] };
  const [containers, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
  ]);
  const scopes = new Set(
    [...containers, ...(volumes.Volumes ?? []), ...networks]
      .map((resource) => resource.Labels?.[TEST_LABEL] ?? "")
      .filter(
        (scope) => scope.startsWith(SCOPE_PREFIX) && !runs(Number(scope.slice(SCOPE_PREFIX.length).split("-")[0])),
      ),
  );
  for (const scope of scopes) await removeSwarmLeftovers(docker, scope);
}

/** True while the process `pid` exists (a reused pid only delays the cleanup to a later run). */
function runs(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

beforeAll(async () => {
  await removeCrashedRuns();
  cluster = await startSwarmCluster({ scope: SCOPE, images: [IMAGE] });
  await cluster.pullEverywhere([IMAGE]);
  backend = swarmBackendOn(cluster);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

defineIsolationSuite({
  name: "on Swarm",
  // A service spec cannot carry it: each node's daemon.json sets it (checked by checkSwarmNodes), so the
  // container's own SecurityOpt does not list it; the suite reads NoNewPrivs from inside instead.
  noNewPrivilegesFromDaemon: true,
  async setup() {
    const runtime = await swarmRuntime(`${SCOPE}-isolation`);
    const engines = new NodeEngines(cluster.tls);
    return {
      runtime,
      image: IMAGE,
      cpus: 0.25,
      inspect: async (environmentId, host) => {
        const placement = await locateHost(
          cluster.manager,
          engines,
          environmentId,
          host,
          hostServiceName(environmentId, host),
        );
        return placement.docker.getContainer(placement.containerId).inspect();
      },
      // Every node's engine (mutual TLS on 2376) and the registry the nodes pull from.
      machineListeners: [
        ...cluster.nodes.map((node) => ({ address: node.address, port: 2376 })),
        { address: cluster.registry.split(":")[0]!, port: Number(cluster.registry.split(":")[1]) },
      ],
      cleanup: async () => {
        await Promise.all(runtime.list().map((environment) => runtime.destroy(environment.id)));
        await runtime.dispose();
      },
    };
  },
  expectConfiguration(inspected) {
    const config = inspected.HostConfig;
    expect(config.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } });
    expect(inspected.Mounts).toContainEqual(expect.objectContaining({ Type: "tmpfs", Destination: "/run" }));
    expect(inspected.Config.Labels).toMatchObject({ [TEST_LABEL]: `${SCOPE}-isolation` });
  },
});

describe("the disk quota on Swarm", () => {
  it("stops a host on a node that writes past its quota, says why, and leaves its neighbour running", async () => {
    const runtime = await swarmRuntime(`${SCOPE}-quota`, { diskCheckIntervalMs: 500 });
    const stops: HostState[] = [];
    runtime.onHostStopped((_id, state) => stops.push(state));
    const quotaSpec = (): EnvironmentSpecInput => ({
      ...spec(),
      hosts: [{ name: "main", image: IMAGE, cpus: 0.1, memoryMiB: 48, pids: 64, diskMiB: 32 }],
    });
    try {
      expect(await runtime.protections()).toContainEqual(expect.objectContaining({ name: "disk-quota", ok: true }));
      const [writer, neighbour] = await Promise.all([runtime.create(quotaSpec()), runtime.create(quotaSpec())]);
      const writing = runtime.environment(writer.id);
      const staying = runtime.environment(neighbour.id);
      const placement = await locateHost(
        cluster.manager,
        new NodeEngines(cluster.tls),
        writer.id,
        "main",
        hostServiceName(writer.id, "main"),
      );

      // Within the quota nothing happens (the check runs several times meanwhile).
      const small = await staying.commands.run("main", {
        script: "dd if=/dev/zero of=/var/small bs=1M count=8 conv=fsync status=none && sleep 2 && echo kept",
      });
      expect(small.stdout).toContain("kept");

      // Past it, the writer is stopped long before its 512 MiB are written at a paced rate.
      const fill = writing.commands
        .run("main", {
          script:
            "for i in $(seq 1 256); do dd if=/dev/zero of=/var/fill-$i bs=1M count=2 conv=fsync status=none; done",
          timeoutMs: 60_000,
        })
        .catch((error: unknown) => error);
      await waitFor("the writer stopped", 30_000, async () =>
        runtime.hostStates(writer.id)[0]?.state === "stopped" ? true : undefined,
      );
      expect(runtime.hostStates(writer.id)).toEqual([
        { name: "main", state: "stopped", exitCode: 137, oomKilled: false, diskQuotaMiB: 32 },
      ]);
      expect(stops).toEqual([expect.objectContaining({ name: "main", diskQuotaMiB: 32 })]);
      const refused = await writing.commands.run("main", { argv: ["true"] }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ContainerDiedError);
      expect((refused as ContainerDiedError).message).toContain("disk quota of 32 MiB");
      await fill;
      // Killed on its node: the container there does not run any more.
      await waitFor("the container on the node to stop", 10_000, async () =>
        (await placement.docker.getContainer(placement.containerId).inspect()).State.Running ? undefined : true,
      );

      expect((await staying.commands.run("main", { script: "test -f /var/small && echo fine" })).stdout).toBe("fine\n");
      expect(runtime.hostStates(neighbour.id)).toEqual([{ name: "main", state: "running" }]);
    } finally {
      await Promise.all(runtime.list().map((environment) => runtime.destroy(environment.id)));
      await runtime.dispose();
    }
  });
});

describe("runtimes sharing one Swarm scope (web replicas)", () => {
  const scope = `${SCOPE}-shared`;
  const runtimes: SandboxRuntime[] = [];
  const start = async (options: Partial<SwarmSandboxRuntimeOptions>) => {
    const runtime = await swarmRuntime(scope, options);
    runtimes.push(runtime);
    return runtime;
  };
  const services = async (id: string) =>
    (await cluster.manager.listServices({ filters: { label: [`circus.environment=${id}`] } })).length;
  afterAll(async () => {
    for (const runtime of runtimes.splice(0)) {
      await Promise.all(runtime.list().map((environment) => runtime.destroy(environment.id).catch(() => {})));
      await runtime.dispose();
    }
  });

  it("adopts what another runtime created and forgets it once the other removed it", async () => {
    const leases = memoryLeases();
    const first = await start({ shared: { leases } });
    const second = await start({ shared: { leases, resyncIntervalMs: 300 } });
    const created = await first.create(spec());
    // Found by the re-sync (no request needed), with its hosts located on their nodes.
    await waitFor("the other runtime's adoption", 15_000, async () => second.get(created.id));
    expect(second.hostStates(created.id)).toEqual([{ name: "main", state: "running" }]);
    expect((await second.environment(created.id).commands.run("main", { argv: ["hostname"] })).stdout).toBe("main\n");
    expect(await second.adopt("000000000000")).toBeUndefined();

    await first.destroy(created.id);
    await waitFor("the other runtime to forget it", 15_000, async () =>
      second.get(created.id) === undefined ? true : undefined,
    );
    await second.dispose();
    await first.dispose();
  });

  it("keeps an environment adopted on demand while a re-sync listed the Swarm: handles made from it stay valid", async () => {
    // The re-sync's listing of the services answers late (a busy manager): meanwhile the other runtime creates an
    // environment and this one adopts it on demand; the listing, made before it existed, must not forget it.
    let holdNextListing = false;
    let listingMade = () => {};
    let releaseListing = () => {};
    const made = new Promise<void>((resolve) => {
      listingMade = resolve;
    });
    const released = new Promise<void>((resolve) => {
      releaseListing = resolve;
    });
    const manager = Object.create(cluster.manager) as Dockerode;
    manager.listServices = (async (options?: object) => {
      const hold = holdNextListing;
      holdNextListing = false;
      const answer = await cluster.manager.listServices(options);
      if (hold) {
        listingMade();
        await released;
      }
      return answer;
    }) as Dockerode["listServices"];
    const leases = memoryLeases();
    const first = await start({ shared: { leases } });
    const second = await start({ manager, shared: { leases, resyncIntervalMs: 600_000 } });

    holdNextListing = true;
    const resync = second.reconcile();
    await made;
    const created = await first.create(spec());
    expect(await second.adopt(created.id)).toBeDefined();
    const handle = second.environment(created.id);
    releaseListing();
    await resync;
    expect(second.get(created.id)).toBeDefined();
    expect(handle.hostStates()).toEqual([{ name: "main", state: "running" }]);
    expect((await handle.commands.run("main", { argv: ["hostname"] })).stdout).toBe("main\n");

    // Once the other runtime removed it, the next re-sync forgets it.
    await first.destroy(created.id);
    await second.reconcile();
    expect(second.get(created.id)).toBeUndefined();
  });

  it("never reaps an environment kept busy through another runtime, and reaps it once idle", async () => {
    const leases = memoryLeases();
    const busy = await start({ shared: { leases, resyncIntervalMs: 300 } });
    const created = await busy.create({ ...spec(), idleTimeoutSeconds: 2 });
    const reaper = await start({ shared: { leases }, reapIntervalMs: 200 });
    expect(await reaper.adopt(created.id)).toBeDefined();
    // Used through the first runtime (its terminal, say) for twice the idle timeout: the reaper must not reap it.
    for (const until = Date.now() + 4_000; Date.now() < until; ) {
      busy.environment(created.id).touch();
      await sleep(300);
    }
    expect(reaper.get(created.id)).toBeDefined();
    expect(await services(created.id)).toBe(1);
    // Nobody uses it any more: reaped within the idle timeout and a few rounds, and forgotten by the other.
    await waitFor("the idle environment reaped", 15_000, async () =>
      reaper.get(created.id) === undefined && (await services(created.id)) === 0 ? true : undefined,
    );
    await waitFor("the busy runtime to forget it", 15_000, async () =>
      busy.get(created.id) === undefined ? true : undefined,
    );
  });
});

describe("the Swarm backend", () => {
  it("checks at start-up that the engine is a manager and every node answers over mutual TLS with no-new-privileges", async () => {
    const nodes = await checkSwarmNodes({
      manager: cluster.manager,
      tls: cluster.tls,
      probeImage: `${cluster.registry}/${IMAGE}`,
      labels: { [TEST_LABEL]: SCOPE },
    });
    expect(nodes.map((node) => node.endpoint).sort()).toEqual(
      cluster.nodes.map((node) => `tcp://${node.address}:2376`).sort(),
    );
    // Without the client certificate a node's engine refuses the connection.
    const { default: Dockerode } = await import("dockerode");
    const anonymous = new Dockerode({
      host: cluster.nodes[1]!.address,
      port: 2376,
      protocol: "https",
      ca: cluster.tls.ca,
    });
    await expect(anonymous.ping()).rejects.toThrow();
  });

  it("runs a host as a one-replica service without restarts, reservations equal to limits, hardened and labelled", async () => {
    const environment = await backend.create(spec());
    try {
      const service = (await cluster.manager.getService(`circus-${environment.id}-main`).inspect()) as {
        Spec: {
          Labels: Record<string, string>;
          Mode: unknown;
          TaskTemplate: { RestartPolicy: { Condition: string }; Resources: { Reservations: unknown } };
        };
      };
      expect(service.Spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
      expect(service.Spec.TaskTemplate.RestartPolicy.Condition).toBe("none");
      expect(service.Spec.TaskTemplate.Resources.Reservations).toEqual({
        NanoCPUs: 1e8,
        MemoryBytes: 48 * 1024 * 1024,
      });
      expect(service.Spec.Labels).toMatchObject({
        "circus.environment": environment.id,
        "circus.host": "main",
        [TEST_LABEL]: SCOPE,
      });

      const placement = await environment.locate("main");
      const container = await placement.docker.getContainer(placement.containerId).inspect();
      expect(container.HostConfig.CapDrop).toEqual(["ALL"]);
      expect(container.HostConfig.PidsLimit).toBe(64);
      expect(container.HostConfig.Memory).toBe(48 * 1024 * 1024);
      expect(container.HostConfig.Init).toBe(true);
      expect(container.Config.Labels).toMatchObject({ "circus.environment": environment.id });

      // After a restart of Circus, the handle is rebuilt from the services' labels alone.
      const adopted = await backend.environment(environment.id);
      expect(adopted.spec).toEqual(environment.spec);
      expect((await adopted.commands.run("main", { argv: ["hostname"] })).stdout).toBe("main\n");

      const status = await environment.commands.run("main", { argv: ["cat", "/proc/self/status"] });
      expect(status.stdout).toMatch(/^NoNewPrivs:\s*1$/m);
      expect(status.stdout).toMatch(/^CapEff:\s*0+$/m);
      // Its overlay is internal: the registry next to the nodes is out of reach.
      const registryHost = cluster.registry.split(":")[0]!;
      const egress = await environment.commands.run("main", {
        script: `timeout 3 bash -c 'echo > /dev/tcp/${registryHost}/5000' && echo reached || echo unreachable`,
      });
      expect(egress.stdout.trim()).toBe("unreachable");
    } finally {
      await environment.destroy();
    }
    expect(await backend.list()).toEqual([]);
  });

  it("refuses a Docker-enabled host with the reason and the remedy, creating nothing", async () => {
    const networksBefore = await cluster.manager.listNetworks({ filters: { label: [`${TEST_LABEL}=${SCOPE}`] } });
    const refused = await backend
      .create({ ...spec(["main", "dock"]), hosts: [...spec().hosts, { name: "dock", image: IMAGE, docker: true }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DockerHostOnSwarmError);
    expect(refused).toMatchObject({ code: "docker_host_unsupported", host: "dock" });
    expect((refused as DockerHostOnSwarmError).message).toMatch(/seccomp profile.*\/dev\/net\/tun/);
    expect((refused as DockerHostOnSwarmError).remedy).toContain("CIRCUS_ORCHESTRATOR=engine");
    expect(await backend.list()).toEqual([]);
    expect(await cluster.manager.listNetworks({ filters: { label: [`${TEST_LABEL}=${SCOPE}`] } })).toHaveLength(
      networksBefore.length,
    );
  });

  it("spreads 30 environments over the three nodes, each taking at least 20%, and drives one on a worker", async () => {
    const environments: SwarmEnvironment[] = [];
    try {
      for (let batch = 0; batch < 3; batch += 1) {
        environments.push(...(await Promise.all(Array.from({ length: 10 }, () => backend.create(spec())))));
      }
      const placements = await Promise.all(environments.map((environment) => environment.locate("main")));
      const perNode = new Map<string, number>();
      for (const placement of placements) perNode.set(placement.nodeId, (perNode.get(placement.nodeId) ?? 0) + 1);
      expect([...perNode.keys()].sort()).toEqual(cluster.nodes.map((node) => node.nodeId).sort());
      for (const count of perNode.values()) expect(count / environments.length).toBeGreaterThanOrEqual(0.2);

      const workerIds = new Set(cluster.nodes.filter((node) => node.role === "worker").map((node) => node.nodeId));
      const onWorker = environments[placements.findIndex((placement) => workerIds.has(placement.nodeId))]!;
      const worker = await onWorker.locate("main");
      expect(worker.node).toMatch(/worker/);

      const command = await onWorker.commands.run("main", { script: "echo $((6 * 7)) from $(hostname)" });
      expect(command).toMatchObject({ exitCode: 0, stdout: "42 from main\n" });

      await onWorker.files.write("main", "/root/notes.txt", "saved on a worker\n");
      await onWorker.files.copy("main", [{ path: "/tmp/run.sh", content: "echo from tmpfs", mode: 0o755 }]);
      expect((await onWorker.commands.run("main", { argv: ["/tmp/run.sh"] })).stdout).toBe("from tmpfs\n");
      expect((await onWorker.files.read("main", "/root/notes.txt")).toString()).toBe("saved on a worker\n");

      const [terminal, joined] = await Promise.all([
        onWorker.terminals.open("main", "t1", { cols: 80, rows: 24 }),
        onWorker.terminals.open("main", "t1", { cols: 80, rows: 24 }),
      ]);
      expect(joined).toBe(terminal);
      expect(onWorker.terminals.has("t1")).toBe(true);
      let output = "";
      const client = terminal.attach({
        onData: (chunk) => {
          output += Buffer.from(chunk).toString();
          client.ack(chunk.length);
        },
        onExit: () => {},
      });
      client.write("echo terminal-$((40 + 2))\r");
      await waitFor("the terminal's echo", 20_000, async () => (output.includes("terminal-42") ? true : undefined));
      client.dispose();
      // destroy() ends the environment's terminals.
      await onWorker.destroy();
      expect((await terminal.exited).reason).toBeDefined();
      expect(onWorker.terminals.has("t1")).toBe(false);
    } finally {
      await Promise.all(environments.map((environment) => environment.destroy()));
    }
    expect(await backend.list()).toEqual([]);
  });

  it("gives a 3-host environment its own overlay: hosts on different nodes talk by name, and reach nothing else", async () => {
    const environment = await backend.create(spec(["a", "b", "c"]));
    const other = await backend.create(spec());
    try {
      const placements = await Promise.all(["a", "b", "c"].map((host) => environment.locate(host)));
      expect(new Set(placements.map((placement) => placement.nodeId)).size).toBeGreaterThanOrEqual(2);

      const listening = environment.commands.run("a", { script: listen(2, 30), timeoutMs: 40_000 });
      for (const host of ["b", "c"]) {
        const reply = await environment.commands.run(host, { script: connect("a"), timeoutMs: 20_000 });
        expect(reply.stdout).toBe("hello from a\n");
      }
      expect((await listening).stdout.split("\n").sort()).toEqual(["", "from b", "from c"]);

      // The other environment's host listens too (it reaches itself), but not from this environment.
      const otherAddress = (await other.commands.run("main", { argv: ["hostname", "-I"] })).stdout
        .trim()
        .split(" ")[0]!;
      const otherListening = other.commands.run("main", { script: listen(1, 15), timeoutMs: 20_000 });
      const fromOutside = await environment.commands.run("b", {
        script: `getent hosts main || echo "main: no such name"; ${connect(otherAddress, 10)} || echo unreachable`,
      });
      expect(fromOutside.stdout).toBe("main: no such name\nunreachable\n");
      expect((await other.commands.run("main", { script: connect(otherAddress) })).stdout).toBe("hello from main\n");
      expect((await otherListening).stdout).toBe("from main\n");
    } finally {
      await Promise.all([environment.destroy(), other.destroy()]);
    }
  });

  it("keeps a warm pool of running environments, hands one out without waiting and refills", async () => {
    const pool = createSwarmWarmPool({
      backend,
      key: "int",
      spec: spec(),
      size: 2,
      refillDelayMs: 0,
      ttlSecondsAfterClaim: 3600,
    });
    let claimed: SwarmEnvironment | undefined;
    try {
      await pool.whenFull();
      claimed = pool.claim();
      if (!claimed) throw new Error("a full pool had nothing to claim");
      expect(pool.ready()).toBe(1);
      expect((await claimed.commands.run("main", { argv: ["hostname"] })).stdout).toBe("main\n");
      await pool.whenFull();
      expect(pool.ready()).toBe(2);
      // The claim pushed the expiry back on the service, where reapExpired reads it.
      const claimedId = claimed.id;
      const service = await waitFor("the claimed expiry", 10_000, async () => {
        const inspected = (await cluster.manager.getService(`circus-${claimedId}-main`).inspect()) as {
          Spec: { Labels: Record<string, string> };
        };
        return Date.parse(inspected.Spec.Labels["circus.expires-at"] ?? "") > Date.now() + 3000_000
          ? inspected
          : undefined;
      });
      expect(service.Spec.Labels["circus.pool"]).toBe("int");
      expect(await backend.reapExpired()).toEqual([]);
    } finally {
      await pool.dispose({ destroyUnclaimed: true });
      await claimed?.destroy();
    }
    expect(await backend.list()).toEqual([]);
  });

  it("places nothing new on a node the operator paused, and keeps what runs there", async () => {
    const paused = cluster.nodes.find((node) => node.role === "worker")!;
    const environments: SwarmEnvironment[] = [];
    try {
      let running: SwarmEnvironment | undefined;
      while (!running && environments.length < 6) {
        const environment = await backend.create(spec());
        environments.push(environment);
        if ((await environment.locate("main")).nodeId === paused.nodeId) running = environment;
      }
      if (!running) throw new Error(`no environment was placed on ${paused.name}`);
      await setAvailability(paused.nodeId, "pause");
      const created = await Promise.all(Array.from({ length: 6 }, () => backend.create(spec())));
      environments.push(...created);
      for (const environment of created) expect((await environment.locate("main")).nodeId).not.toBe(paused.nodeId);
      expect((await running.commands.run("main", { argv: ["hostname"] })).stdout).toBe("main\n");
      expect(await backend.findLostHosts()).toEqual([]);
    } finally {
      await setAvailability(paused.nodeId, "active");
      await Promise.all(environments.map((environment) => environment.destroy()));
    }
  });

  it("notices hosts lost with a killed worker, restarts the learner on a live node, and leaves nothing once the node returns", async () => {
    const worker = cluster.nodes.find((node) => node.role === "worker")!;
    const environments: SwarmEnvironment[] = [];
    let victim: SwarmEnvironment | undefined;
    try {
      while (!victim && environments.length < 6) {
        const environment = await backend.create(spec());
        environments.push(environment);
        if ((await environment.locate("main")).nodeId === worker.nodeId) victim = environment;
      }
      if (!victim) throw new Error(`no environment was placed on ${worker.name}`);
      const lostOne = victim;

      await cluster.kill(worker);
      const lost = await waitFor("the lost host", 60_000, async () => {
        const hosts = await backend.findLostHosts();
        return hosts.some((host) => host.environmentId === lostOne.id) ? hosts : undefined;
      });
      // Only that node's hosts are lost, each named with its node.
      expect(lost).toEqual([
        {
          environmentId: lostOne.id,
          host: "main",
          node: worker.name,
          reason: expect.stringMatching(/down|disconnected|unknown/),
        },
      ]);
      await expect(lostOne.commands.run("main", { argv: ["true"] })).rejects.toThrow(HostTaskNotRunningError);

      // The learner's Restart: the lost environment goes, a new one lands on a live node.
      await lostOne.destroy();
      const replacement = await backend.create(spec());
      environments.push(replacement);
      expect((await replacement.locate("main")).nodeId).not.toBe(worker.nodeId);
      expect((await replacement.commands.run("main", { argv: ["true"] })).exitCode).toBe(0);

      await cluster.restart(worker);
      await waitForNodeState(cluster.manager, worker.nodeId, "ready");
      await waitFor("the returned node to hold nothing of the lost environment", 60_000, async () => {
        await backend.reapOrphans();
        const containers = await worker.docker.listContainers({
          all: true,
          filters: { label: [`circus.environment=${lostOne.id}`] },
        });
        const networks = await cluster.manager.listNetworks({
          filters: { label: [`circus.environment=${lostOne.id}`] },
        });
        return containers.length === 0 && networks.length === 0 ? true : undefined;
      });
      expect(await backend.findLostHosts()).toEqual([]);
    } finally {
      await Promise.all(environments.map((environment) => environment.destroy()));
    }
    expect(await backend.list()).toEqual([]);
  });
});

/** A perl listener on port 7000 that greets `count` clients (each sends one line, printed) and gives up after `seconds`. */
function listen(count: number, seconds: number): string {
  return `perl -MIO::Socket::INET -e '$| = 1; alarm ${seconds}; my $s = IO::Socket::INET->new(LocalPort => 7000, Listen => 5, ReuseAddr => 1) or die "listen: $!"; for (1 .. ${count}) { my $c = $s->accept; my $line = <$c>; print $line; print $c "hello from " . \`hostname\`; close $c }'`;
}

/** Connects to port 7000 of `target` (retrying while it is not listening yet), says who it is, prints the reply. */
function connect(target: string, attempts = 50): string {
  return `(for i in $(seq ${attempts}); do if exec 3<>/dev/tcp/${target}/7000; then echo "from $(hostname)" >&3; cat <&3; exit 0; fi 2>/dev/null; sleep 0.2; done; exit 1)`;
}

async function setAvailability(nodeId: string, availability: "active" | "pause"): Promise<void> {
  const node = (await cluster.manager.getNode(nodeId).inspect()) as { Version: { Index: number }; Spec: object };
  await cluster.manager
    .getNode(nodeId)
    .update({ version: node.Version.Index, ...node.Spec, Availability: availability });
}
