// A real 3-node Docker Swarm for the Swarm tests and bench, built from Docker-in-Docker containers on
// the shared engine (which itself never joins a Swarm): one manager and two workers, each an engine
// listening only with mutual TLS on 2376 and labelled circus.engine=tcp://ADDRESS:2376, plus a
// registry they pull from. Everything carries circus.test=<scope> and stop() removes it.
import { randomBytes, randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { pushImages } from "../src/images/push-images";
import { connectNodeEngine, ENGINE_LABEL, type EngineTls } from "../src/swarm/node-engines";
import { createSwarmBackend, type SwarmBackend } from "../src/swarm/swarm-backend";
import { TEST_LABEL } from "./environment-fixture";
import { createClientTls, createServerTls } from "./swarm-certificates";

export const SWARM_NODE_IMAGE = "circus/swarm-node:latest";
const REGISTRY_IMAGE = "circus/registry:latest";
const ENGINE_PORT = 2376;
const READY_TIMEOUT_MS = 90_000;

export interface SwarmTestNode {
  /** Its container's name on the shared engine and its hostname, e.g. `circus-test-swarm-ab12-worker-1`. */
  name: string;
  role: "manager" | "worker";
  address: string;
  /** Its Swarm node id. */
  nodeId: string;
  /** Its own engine, over mutual TLS. */
  docker: Dockerode;
}

export interface SwarmCluster {
  scope: string;
  /** The manager's engine over mutual TLS: what the Swarm backend is given. */
  manager: Dockerode;
  tls: EngineTls;
  /** The registry as the nodes reach it (HOST:PORT), insecure-registry on every node. */
  registry: string;
  nodes: SwarmTestNode[];
  /** Pushes images (by their local names on the shared engine) to the registry. */
  push(images: readonly string[]): Promise<void>;
  /** Pulls images (local names) from the registry on every node, so that timings leave the pull out. */
  pullEverywhere(images: readonly string[]): Promise<void>;
  /** SIGKILLs a node's container: its engine and every task on it die at once. */
  kill(node: SwarmTestNode): Promise<void>;
  /** Starts a killed node again; resolves once its engine answers and the manager sees it ready. */
  restart(node: SwarmTestNode): Promise<void>;
  /** Removes every container, volume and network of the cluster, and its certificates. */
  stop(): Promise<void>;
}

export interface SwarmClusterOptions {
  /** The value of circus.test on everything; leftovers of an earlier run with the same scope are removed first. */
  scope: string;
  workers?: number;
  /** Local images pushed to the registry at start (default circus/base). */
  images?: readonly string[];
}

const labelsOf = (scope: string) => ({ [TEST_LABEL]: scope });

/** Removes what an earlier run with this scope left (a crashed test never reaches stop()). */
export async function removeSwarmLeftovers(docker: Dockerode, scope: string): Promise<void> {
  const filters = { label: [`${TEST_LABEL}=${scope}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  const { Volumes } = await docker.listVolumes({ filters });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => {}),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => {}),
    ),
  );
}

/**
 * Starts the cluster; a bring-up that fails (nine engines and a Swarm starting at once on a busy 2-core machine)
 * is reported on stderr, removed, and tried once more from scratch. A second failure fails the test's setup,
 * its message naming the step that failed.
 */
export async function startSwarmCluster(options: SwarmClusterOptions): Promise<SwarmCluster> {
  try {
    return await startSwarmClusterOnce(options);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}; removed it, starting it once more`);
    return startSwarmClusterOnce(options);
  }
}

async function startSwarmClusterOnce(options: SwarmClusterOptions): Promise<SwarmCluster> {
  const shared = new Dockerode();
  const { scope } = options;
  const labels = labelsOf(scope);
  const id = randomBytes(3).toString("hex");
  const prefix = `circus-test-swarm-${id}`;
  await removeSwarmLeftovers(shared, scope);
  const dir = await mkdtemp(join(tmpdir(), "circus-swarm-"));
  const nodeContainers = new Map<string, Dockerode.Container>();

  const stop = async () => {
    // Inner containers first, through each node's engine, so that their dockerd releases what it holds.
    await Promise.all(
      cluster?.nodes.map(async (node) => {
        const inner = await node.docker.listContainers({ all: true }).catch(() => []);
        await Promise.all(
          inner.map((c) =>
            node.docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => {}),
          ),
        );
      }) ?? [],
    );
    await removeSwarmLeftovers(shared, scope);
    await rm(dir, { recursive: true, force: true });
  };

  let cluster: SwarmCluster | undefined;
  try {
    const subnet = await phase("creating its network", () => createNetwork(shared, `${prefix}-net`, labels));
    const registryAddress = `${subnet.prefix}.5`;
    const registry = `${registryAddress}:5000`;
    const tls = await createClientTls(join(dir, "ca"));

    const registryContainer = await shared.createContainer({
      name: `${prefix}-registry`,
      Image: REGISTRY_IMAGE,
      // Writable (seed.yml): the fixture pushes into it; nodes only pull.
      Cmd: ["docker-registry", "serve", "/etc/docker/registry/seed.yml"],
      // Deletes on: the Swarm checkpoint store removes a checkpoint's manifest (what an operator sets too).
      Env: ["REGISTRY_STORAGE_DELETE_ENABLED=true"],
      Labels: labels,
      ExposedPorts: { "5000/tcp": {} },
      HostConfig: {
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Mounts: [
          { Type: "volume", Source: "", Target: "/var/lib/docker-registry", VolumeOptions: anonymousVolume(labels) },
        ],
        PortBindings: { "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
        NetworkMode: `${prefix}-net`,
      },
      NetworkingConfig: { EndpointsConfig: { [`${prefix}-net`]: { IPAMConfig: { IPv4Address: registryAddress } } } },
    });
    await phase("starting its registry", () => registryContainer.start());
    const published = (await registryContainer.inspect()).NetworkSettings.Ports["5000/tcp"]?.[0]?.HostPort;
    const pushRegistry = `127.0.0.1:${published}`;

    const workers = options.workers ?? 2;
    const roles: SwarmTestNode["role"][] = ["manager", ...Array.from({ length: workers }, () => "worker" as const)];
    const started = await Promise.all(
      roles.map(async (role, index) => {
        const name = `${prefix}-${role === "manager" ? "manager" : `worker-${index}`}`;
        const address = `${subnet.prefix}.${10 + index}`;
        const nodeDir = join(dir, name);
        await createServerTls(join(dir, "ca"), name, address, nodeDir);
        const container: Dockerode.Container = await shared.createContainer({
          name,
          Hostname: name,
          Image: SWARM_NODE_IMAGE,
          Cmd: [`--insecure-registry=${registry}`],
          Labels: labels,
          HostConfig: <Dockerode.HostConfig & { CgroupnsMode: "host" }>{
            // What Docker-in-Docker needs on this machine (test nodes only, never a learner's sandbox).
            CapAdd: ["ALL"],
            CapDrop: ["SYS_RESOURCE"],
            SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
            CgroupnsMode: "host",
            UsernsMode: "host",
            Binds: ["/sys/fs/cgroup:/sys/fs/cgroup", `${nodeDir}:/etc/docker/tls:ro`],
            Mounts: [{ Type: "volume", Source: "", Target: "/var/lib/docker", VolumeOptions: anonymousVolume(labels) }],
            // Its exec root and pid files start empty after a kill; the data root (and Swarm identity) stays.
            Tmpfs: { "/run": "rw,exec,size=64m" },
            NetworkMode: `${prefix}-net`,
          },
          NetworkingConfig: { EndpointsConfig: { [`${prefix}-net`]: { IPAMConfig: { IPv4Address: address } } } },
        });
        nodeContainers.set(name, container);
        await phase(`starting ${name}`, () => container.start());
        const docker = connectNodeEngine(name, `tcp://${address}:${ENGINE_PORT}`, tls);
        await phase(`waiting for the engine of ${name}`, () => waitForEngine(docker, name));
        return { name, role, address, docker };
      }),
    );

    const [managerNode, ...workerNodes] = started;
    const manager = managerNode!.docker;
    await phase("swarm init on the manager", () => initSwarm(manager, managerNode!.address));
    const token = ((await manager.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
    await Promise.all(
      workerNodes.map((node) =>
        phase(`swarm join of ${node!.name}`, () =>
          joinSwarm(node!.docker, node!.address, `${managerNode!.address}:2377`, token),
        ),
      ),
    );
    const nodes: SwarmTestNode[] = [];
    for (const node of started) {
      const nodeId = await phase(`labelling ${node!.name}`, () =>
        labelNode(manager, node!.address, `tcp://${node!.address}:${ENGINE_PORT}`),
      );
      nodes.push({ ...node!, nodeId });
    }

    cluster = {
      scope,
      manager,
      tls,
      registry,
      nodes,
      push: async (images) => {
        await pushImages(shared, pushRegistry, images);
      },
      pullEverywhere: async (images) => {
        await Promise.all(
          nodes.flatMap((node) =>
            images.map((image) =>
              phase(`pulling ${image} on ${node.name}`, () => pull(node.docker, `${registry}/${image}`)),
            ),
          ),
        );
      },
      kill: async (node) => {
        await nodeContainers.get(node.name)!.kill();
      },
      restart: async (node) => {
        await nodeContainers.get(node.name)!.start();
        await waitForEngine(node.docker, node.name);
        await waitForNodeState(manager, node.nodeId, "ready");
      },
      stop,
    };
    await phase("pushing images to the cluster's registry", () =>
      cluster!.push(options.images ?? ["circus/base:latest"]),
    );
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs one step of bringing the cluster up; its error names the step (a failed setup hook shows only this). */
async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw new Error(`Swarm test cluster: ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The engine answers an init or a join that took longer than its own 20 s with an error, while it goes on in
 * the background (a busy machine, a first start): such an answer is waited out, not taken as a failure.
 */
const STILL_GOING_ON = /continue in the background|timeout was reached|could not be started before timeout/i;

async function initSwarm(manager: Dockerode, address: string): Promise<void> {
  try {
    await manager.swarmInit({
      ListenAddr: "0.0.0.0:2377",
      AdvertiseAddr: address,
      DefaultAddrPool: ["10.91.0.0/16"],
      SubnetSize: 24,
    });
  } catch (error) {
    if (!STILL_GOING_ON.test(String(error))) throw error;
  }
  await waitForSwarmState(manager, "active", "the manager");
}

async function joinSwarm(worker: Dockerode, address: string, managerAddress: string, token: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await worker.swarmJoin({
        ListenAddr: "0.0.0.0:2377",
        AdvertiseAddr: address,
        RemoteAddrs: [managerAddress],
        JoinToken: token,
      });
      return;
    } catch (error) {
      if (STILL_GOING_ON.test(String(error))) return waitForSwarmState(worker, "active", address);
      // The manager's raft and listener come up just after init answers: an unavailable connection is retried.
      if (!/unavailable|connection refused|deadline exceeded/i.test(String(error)) || Date.now() > deadline)
        throw error;
      await sleep(1_000);
    }
  }
}

async function waitForSwarmState(docker: Dockerode, state: string, who: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; Error?: string } };
    if (info.Swarm?.LocalNodeState === state) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${who} is "${info.Swarm?.LocalNodeState}" in the Swarm, not "${state}" (${info.Swarm?.Error ?? "no error given"})`,
      );
    }
    await sleep(500);
  }
}

/** An anonymous volume (removed with its container) that carries the scope's labels. */
function anonymousVolume(labels: Record<string, string>) {
  return { NoCopy: false, Labels: labels, DriverConfig: { Name: "local", Options: {} } };
}

/** A bridge network on the shared engine with a /24 of its own (static addresses keep a restarted node's endpoint). */
async function createNetwork(
  docker: Dockerode,
  name: string,
  labels: Record<string, string>,
): Promise<{ prefix: string }> {
  for (let attempt = 0; ; attempt += 1) {
    const prefix = `192.168.${randomInt(100, 250)}`;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: "bridge",
        Labels: labels,
        CheckDuplicate: true,
        IPAM: { Config: [{ Subnet: `${prefix}.0/24`, Gateway: `${prefix}.1` }] },
      });
      return { prefix };
    } catch (error) {
      if (attempt >= 10 || !/overlap/i.test(String(error))) throw error;
    }
  }
}

async function waitForEngine(docker: Dockerode, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await docker.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the engine of ${name} did not answer over TLS: ${String(error)}`);
      await sleep(200);
    }
  }
}

async function labelNode(manager: Dockerode, address: string, endpoint: string): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const nodes = (await manager.listNodes()) as Array<{
      ID: string;
      Version: { Index: number };
      Spec: Record<string, unknown>;
      Status: { Addr: string; State: string };
    }>;
    const node = nodes.find((candidate) => candidate.Status.Addr === address && candidate.Status.State === "ready");
    if (node) {
      const spec = node.Spec as { Labels?: Record<string, string> };
      await manager
        .getNode(node.ID)
        .update({ version: node.Version.Index, ...spec, Labels: { ...spec.Labels, [ENGINE_LABEL]: endpoint } });
      return node.ID;
    }
    if (Date.now() > deadline) throw new Error(`the node at ${address} did not join the Swarm`);
    await sleep(250);
  }
}

export async function waitForNodeState(
  manager: Dockerode,
  nodeId: string,
  state: string,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = (await manager.getNode(nodeId).inspect()) as { Status: { State: string } };
    if (node.Status.State === state) return;
    if (Date.now() > deadline)
      throw new Error(`node ${nodeId} is ${node.Status.State}, not ${state}, after ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function pull(docker: Dockerode, image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The Swarm backend on `cluster`, labelling what it creates with the cluster's test scope. */
export function swarmBackendOn(cluster: SwarmCluster): SwarmBackend {
  return createSwarmBackend({
    manager: cluster.manager,
    tls: cluster.tls,
    registry: cluster.registry,
    scopeLabels: { [TEST_LABEL]: cluster.scope },
  });
}
