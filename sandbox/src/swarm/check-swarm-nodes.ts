// The Swarm backend's start-up check: the engine it was given is a Swarm manager, and every ready
// node has a circus.engine label, answers over mutual TLS, and runs containers with no-new-privileges
// (set in its daemon.json: a service spec cannot carry it), shown by a probe container on that node.
import type Dockerode from "dockerode";
import { callEngine, engineMessageOf } from "../environments/engine-failures";
import { NodeEngines, type SwarmNode } from "./host-tasks";
import { ENGINE_LABEL, type EngineTls } from "./node-engines";
import { runOnNode } from "./node-probe";
import { NodeEngineUnreachableError, NodeHardeningMissingError, NotASwarmManagerError } from "./swarm-errors";

export interface SwarmNodeStatus {
  nodeId: string;
  node: string;
  endpoint: string;
  /** `active`, `pause` or `drain`. */
  availability: string;
}

export interface CheckSwarmNodesOptions {
  manager: Dockerode;
  tls: EngineTls;
  /** An image every node can pull (REGISTRY/circus/base:latest): the probe runs `cat /proc/self/status` in it. */
  probeImage: string;
  /** Labels put on the probe containers (e.g. a test scope). */
  labels?: Record<string, string>;
}

/** `NoNewPrivs: 1` in a /proc/PID/status. */
export function hasNoNewPrivileges(procStatus: string): boolean {
  return /^NoNewPrivs:\s*1\s*$/m.test(procStatus);
}

/** Checks the manager and every ready node; throws the first problem found, with its remedy. */
export async function checkSwarmNodes(options: CheckSwarmNodesOptions): Promise<SwarmNodeStatus[]> {
  const { manager } = options;
  try {
    await manager.swarmInspect();
  } catch (error) {
    throw new NotASwarmManagerError(engineMessageOf(error));
  }
  const nodes = ((await callEngine(() => manager.listNodes())) as SwarmNode[]).filter(
    (node) => node.Status.State === "ready",
  );
  const engines = new NodeEngines(options.tls);
  return Promise.all(
    nodes.map(async (node) => {
      const name = node.Description?.Hostname ?? node.ID;
      const docker = engines.of(node);
      try {
        await docker.ping();
      } catch (error) {
        throw new NodeEngineUnreachableError(name, engineMessageOf(error), { cause: error });
      }
      const status = await probeStatus(docker, options.probeImage, options.labels ?? {});
      if (!hasNoNewPrivileges(status)) {
        throw new NodeHardeningMissingError(name, "a container on it runs without NoNewPrivs");
      }
      return {
        nodeId: node.ID,
        node: name,
        endpoint: node.Spec.Labels?.[ENGINE_LABEL] ?? "",
        availability: node.Spec.Availability ?? "active",
      };
    }),
  );
}

/** Runs `cat /proc/self/status` in a throwaway container on the node (no network, no capabilities). */
function probeStatus(docker: Dockerode, image: string, labels: Record<string, string>): Promise<string> {
  return runOnNode(docker, {
    image,
    cmd: ["cat", "/proc/self/status"],
    labels: { ...labels, "circus.probe": "no-new-privileges" },
  });
}
