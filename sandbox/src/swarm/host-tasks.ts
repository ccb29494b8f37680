// Where a host runs: its service's task, the node that runs it and that node's engine over mutual
// TLS. Asked of the manager on every call, so a host whose node died is noticed, never used blindly.
import type Dockerode from "dockerode";
import { callEngine } from "../environments/engine-failures";
import { connectNodeEngine, ENGINE_LABEL, type EngineTls } from "./node-engines";
import { HostTaskNotRunningError } from "./swarm-errors";

/** Task states from which a task never runs again (Engine API TaskState). */
const ENDED_STATES = new Set(["complete", "shutdown", "failed", "rejected", "remove", "orphaned"]);

export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  DesiredState: string;
  CreatedAt: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec: { Labels?: Record<string, string>; Availability?: string };
  Status: { State: string; Addr?: string };
}

export interface HostPlacement {
  nodeId: string;
  /** The node's hostname. */
  node: string;
  containerId: string;
  /** The node's engine (mutual TLS). */
  docker: Dockerode;
}

/** The newest task of a service (a one-replica service without restarts has one, except after node loss). */
export function newestTask(tasks: readonly SwarmTask[]): SwarmTask | undefined {
  return [...tasks].sort((a, b) => Date.parse(b.CreatedAt) - Date.parse(a.CreatedAt))[0];
}

export function isEnded(task: SwarmTask): boolean {
  return ENDED_STATES.has(task.Status.State) || task.DesiredState === "shutdown" || task.DesiredState === "remove";
}

export async function serviceTasks(manager: Dockerode, serviceName: string): Promise<SwarmTask[]> {
  return (await callEngine(() => manager.listTasks({ filters: { service: [serviceName] } }))) as SwarmTask[];
}

/** Caches one engine client per node endpoint. */
export class NodeEngines {
  readonly #clients = new Map<string, Dockerode>();
  constructor(readonly tls: EngineTls) {}

  of(node: SwarmNode): Dockerode {
    const endpoint = node.Spec.Labels?.[ENGINE_LABEL];
    const key = `${node.ID} ${endpoint}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = connectNodeEngine(node.Description?.Hostname ?? node.ID, endpoint, this.tls);
      this.#clients.set(key, client);
    }
    return client;
  }
}

/** The running task of a host and its node's engine; HostTaskNotRunningError when it is not running on a live node. */
export async function locateHost(
  manager: Dockerode,
  engines: NodeEngines,
  environmentId: string,
  hostName: string,
  serviceName: string,
): Promise<HostPlacement> {
  const task = newestTask(await serviceTasks(manager, serviceName));
  const containerId = task?.Status.ContainerStatus?.ContainerID;
  if (task?.Status.State !== "running" || isEnded(task) || !containerId || !task.NodeID) {
    throw new HostTaskNotRunningError(environmentId, hostName, task ? describeTask(task) : "gone");
  }
  const node = (await callEngine(() => manager.getNode(task.NodeID!).inspect())) as SwarmNode;
  if (node.Status.State !== "ready") {
    throw new HostTaskNotRunningError(
      environmentId,
      hostName,
      `on node ${node.Description?.Hostname ?? node.ID}, which is ${node.Status.State}`,
    );
  }
  return { nodeId: node.ID, node: node.Description?.Hostname ?? node.ID, containerId, docker: engines.of(node) };
}

export function describeTask(task: SwarmTask): string {
  return `${task.Status.State}${task.Status.Err ? `: ${task.Status.Err}` : ""}`;
}
