// The free-disk reserve on Swarm: each ready node's free disk (its engine's data root, measured by `df` in a
// throwaway container on that node) is compared with the reserve; a node below it gets the node label
// circus.disk-reserve=low, which every host service's placement constraint avoids, so Swarm places no new
// environment there (running ones stay). When every node is low, new environments are refused up front.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { callEngine } from "../environments/engine-failures";
import { NodeEngines, type SwarmNode } from "./host-tasks";
import type { EngineTls } from "./node-engines";
import { runOnNode } from "./node-probe";
import { SwarmDiskReserveLowError } from "./swarm-errors";

/** The node label the runtime sets on a node below the reserve; host services are constrained away from it. */
export const DISK_RESERVE_LABEL = "circus.disk-reserve";
export const DISK_RESERVE_LOW = "low";
/** The placement constraint of every host service. */
export const DISK_RESERVE_CONSTRAINT = `node.labels.${DISK_RESERVE_LABEL} != ${DISK_RESERVE_LOW}`;

export interface NodeDiskReserveOptions {
  manager: Dockerode;
  tls: EngineTls;
  /** Free MiB each node keeps; 0 turns the reserve off. */
  reserveMiB: number;
  /** The image the measuring container runs (REGISTRY/circus/base:latest: it has `df`). */
  probeImage: string;
  labels: Record<string, string>;
  logger: Logger;
  /** How often a node near its reserve is measured (the runtime's diskReserveIntervalMs). */
  intervalMs: number;
}

export interface NodeDisk {
  nodeId: string;
  node: string;
  freeMiB: number;
  low: boolean;
}

/** `df -Pk` output: the available KiB of its one filesystem line, as MiB. */
export function freeMiBOfDf(output: string): number {
  const line = output
    .trim()
    .split(/\r?\n/)
    .find((candidate) => /^\S+\s+\d+\s+\d+\s+\d+\s+\d+%/.test(candidate.trim()));
  const available = line?.trim().split(/\s+/)[3];
  if (available === undefined) throw new Error(`unexpected df output: ${output.slice(0, 200)}`);
  return Math.floor(Number(available) / 1024);
}

/** A node with this many reserves of free disk above its reserve is far from it... */
const FAR_ABOVE_RESERVES = 4;
/** ...and is measured again only after this many intervals. */
const FAR_ABOVE_INTERVALS = 4;

/**
 * When a node is measured again. Each measurement is a container's whole life on the node (create, start, wait,
 * remove), which competes with the learners' exec streams there: with throwaway containers started back to back
 * on the nodes of the test Swarm, a shell's keystroke echo went from p99 ~1 ms to 45-55 ms (bench/README.md,
 * `swarm`). A node far above its reserve cannot fall below it within a few intervals (each host is held to its
 * disk quota), so it is measured a quarter as often; a node near or below it, every interval.
 */
export function remeasureAfterMs(freeMiB: number, reserveMiB: number, intervalMs: number): number {
  return freeMiB - reserveMiB >= FAR_ABOVE_RESERVES * reserveMiB ? FAR_ABOVE_INTERVALS * intervalMs : intervalMs;
}

export class NodeDiskReserve {
  readonly #engines: NodeEngines;
  #measured: NodeDisk[] = [];
  /** When each node (by id) is next due for a measurement by measure({ dueOnly: true }). */
  readonly #due = new Map<string, number>();

  constructor(private readonly options: NodeDiskReserveOptions) {
    this.#engines = new NodeEngines(options.tls);
  }

  /** The latest measurement of every ready node. */
  nodes(): readonly NodeDisk[] {
    return this.#measured;
  }

  /**
   * Measures every ready node (with `dueOnly`, those due by remeasureAfterMs; the others keep their latest
   * measurement) and sets or clears its label; a node that cannot be measured keeps its label.
   */
  async measure({
    dueOnly = false,
    now = Date.now(),
  }: {
    dueOnly?: boolean;
    now?: number;
  } = {}): Promise<readonly NodeDisk[]> {
    const { manager, reserveMiB, intervalMs } = this.options;
    if (reserveMiB === 0) return [];
    const nodes = ((await callEngine(() => manager.listNodes())) as SwarmNode[]).filter(
      (node) => node.Status.State === "ready",
    );
    const previous = new Map(this.#measured.map((node) => [node.nodeId, node]));
    const measured = await Promise.all(
      nodes.map(async (node): Promise<NodeDisk | undefined> => {
        const name = node.Description?.Hostname ?? node.ID;
        const kept = previous.get(node.ID);
        if (dueOnly && kept && now < (this.#due.get(node.ID) ?? 0)) return kept;
        try {
          const freeMiB = await this.#freeMiB(this.#engines.of(node));
          this.#due.set(node.ID, now + remeasureAfterMs(freeMiB, reserveMiB, intervalMs));
          const low = freeMiB < reserveMiB;
          await this.#label(node.ID, low);
          if (low)
            this.options.logger.warn({ node: name, freeMiB, reserveMiB }, "a Swarm node is below the disk reserve");
          return { nodeId: node.ID, node: name, freeMiB, low };
        } catch (error) {
          this.options.logger.warn({ node: name, err: error }, "could not measure a Swarm node's free disk");
          return undefined;
        }
      }),
    );
    this.#measured = measured.filter((node): node is NodeDisk => node !== undefined);
    return this.#measured;
  }

  /** Throws SwarmDiskReserveLowError when every measured node is below the reserve (no node can take a host). */
  assertAvailable(): void {
    const nodes = this.#measured;
    if (this.options.reserveMiB === 0 || nodes.length === 0 || nodes.some((node) => !node.low)) return;
    throw new SwarmDiskReserveLowError(Math.max(...nodes.map((node) => node.freeMiB)), this.options.reserveMiB);
  }

  async #freeMiB(docker: Dockerode): Promise<number> {
    const info = (await callEngine(() => docker.info())) as { DockerRootDir?: string };
    const dataRoot = info.DockerRootDir ?? "/var/lib/docker";
    const output = await runOnNode(docker, {
      image: this.options.probeImage,
      cmd: ["df", "-Pk", "/data-root"],
      labels: { ...this.options.labels, "circus.probe": "disk-reserve" },
      binds: [`${dataRoot}:/data-root:ro`],
    });
    return freeMiBOfDf(output);
  }

  async #label(nodeId: string, low: boolean): Promise<void> {
    const node = this.options.manager.getNode(nodeId);
    const { Version, Spec } = (await callEngine(() => node.inspect())) as {
      Version: { Index: number };
      Spec: { Labels?: Record<string, string> } & Record<string, unknown>;
    };
    const labels = { ...Spec.Labels };
    if ((labels[DISK_RESERVE_LABEL] === DISK_RESERVE_LOW) === low) return;
    if (low) labels[DISK_RESERVE_LABEL] = DISK_RESERVE_LOW;
    else delete labels[DISK_RESERVE_LABEL];
    await callEngine(() => node.update({ version: Version.Index, ...Spec, Labels: labels }));
  }
}
