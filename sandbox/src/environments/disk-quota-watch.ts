// Holds every host to its writable-layer quota on engines whose storage driver has none (overlay2
// on ext4 refuses `--storage-opt size`): measures each running host's upper directory every few
// seconds and hands a host past its quota to the runtime, which kills it. See README "Disk quota".
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { promisify } from "node:util";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { engineStatusOf } from "./engine-failures";

const run = promisify(execFile);
const MIB = 1024 * 1024;
/** A `du` that takes longer than this is abandoned for this round (the next round tries again). */
const MEASURE_TIMEOUT_MS = 10_000;

export interface WatchedHost {
  environmentId: string;
  hostName: string;
  containerId: string;
  quotaMiB: number;
}

export interface DiskQuotaBreach extends WatchedHost {
  usedBytes: number;
}

export class DiskQuotaWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** Each container's upper directory; null when it cannot be read here (remote engine): then SizeRw. */
  private readonly upperDirs = new Map<string, string | null>();

  constructor(
    private readonly docker: Dockerode,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly hosts: () => WatchedHost[],
    private readonly onBreach: (breach: DiskQuotaBreach) => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  /** Measures every watched host once (one at a time, to leave the machine's cores to learners). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const hosts = this.hosts();
      const live = new Set(hosts.map((host) => host.containerId));
      for (const id of this.upperDirs.keys()) if (!live.has(id)) this.upperDirs.delete(id);
      for (const host of hosts) {
        const usedBytes = await this.usedBytes(host.containerId).catch((error: unknown) => {
          this.logger.warn({ environment: host.environmentId, host: host.hostName, err: error }, "disk use unknown");
          return undefined;
        });
        if (usedBytes !== undefined && usedBytes > host.quotaMiB * MIB) await this.onBreach({ ...host, usedBytes });
      }
    } finally {
      this.checking = false;
    }
  }

  /** Bytes the container's writable layer holds on disk; undefined when the container is gone. */
  private async usedBytes(containerId: string): Promise<number | undefined> {
    let upperDir = this.upperDirs.get(containerId);
    if (upperDir === undefined) {
      upperDir = await this.readableUpperDir(containerId);
      if (upperDir === "gone") return undefined;
      this.upperDirs.set(containerId, upperDir);
    }
    if (upperDir !== null) {
      // du counts allocated blocks, so a sparse file costs what it really takes; -x stays on that filesystem.
      const { stdout } = await run("du", ["-sx", "--block-size=1", upperDir], { timeout: MEASURE_TIMEOUT_MS });
      return Number.parseInt(stdout, 10);
    }
    try {
      // dockerode's types lack `size`; the Engine API takes it as a query parameter.
      const container = this.docker.getContainer(containerId);
      const inspect = container.inspect as (options: object) => Promise<unknown>;
      const inspected = (await inspect.call(container, { size: true })) as {
        SizeRw?: number;
      };
      return inspected.SizeRw ?? 0;
    } catch (error) {
      if (engineStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async readableUpperDir(containerId: string): Promise<string | null | "gone"> {
    let inspected: Dockerode.ContainerInspectInfo;
    try {
      inspected = await this.docker.getContainer(containerId).inspect();
    } catch (error) {
      if (engineStatusOf(error) === 404) return "gone";
      throw error;
    }
    const upperDir = (inspected.GraphDriver?.Data as { UpperDir?: string } | undefined)?.UpperDir;
    if (!upperDir) return null;
    try {
      await access(upperDir, constants.R_OK | constants.X_OK);
      return upperDir;
    } catch {
      return null; // an engine on another machine, or not root: ask the engine for SizeRw instead
    }
  }
}
