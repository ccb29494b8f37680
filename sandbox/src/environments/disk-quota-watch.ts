// Holds every host to its writable-layer quota on engines whose storage driver has none (overlay2
// on ext4 refuses `--storage-opt size`): measures each running host's upper directory every few
// seconds and hands a host past its quota to the runtime, which kills it. Hosts on another machine (a
// Swarm node) are measured through the engine that runs them (SizeRw). See README "Disk quota".
import { access, constants } from "node:fs/promises";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { DirectorySizes } from "./directory-sizes";
import { engineStatusOf } from "./engine-failures";

const MIB = 1024 * 1024;
/** A `du` that takes longer than this is abandoned for this round (the next round tries again). */
const MEASURE_TIMEOUT_MS = 10_000;
/** Directories measured by one `du` (its command line stays far below the kernel's argument limit). */
const DU_BATCH = 100;

export interface WatchedHost {
  environmentId: string;
  hostName: string;
  containerId: string;
  quotaMiB: number;
  /**
   * The engine that runs it when that is not the watch's own (a Swarm node's, over mutual TLS): its writable
   * layer is then measured through that engine (SizeRw), never looked up on this machine's disk.
   */
  engine?: Dockerode;
}

export interface DiskQuotaBreach extends WatchedHost {
  usedBytes: number;
}

export class DiskQuotaWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** Each container's upper directory; null when it cannot be read here (remote engine): then SizeRw. */
  private readonly upperDirs = new Map<string, string | null>();
  /** `du` through one long-lived helper: the server itself never forks per round (see directory-sizes.ts). */
  private readonly sizes = new DirectorySizes(MEASURE_TIMEOUT_MS);

  constructor(
    private readonly docker: Dockerode,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly hosts: () => WatchedHost[],
    private readonly onBreach: (breach: DiskQuotaBreach) => Promise<void>,
  ) {}

  /** The PID of the helper that runs `du` (the same across rounds unless it failed). */
  get measurerPid(): number | undefined {
    return this.sizes.helperPid;
  }

  start(): void {
    this.sizes.start();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.sizes.dispose();
  }

  /**
   * Measures every watched host once. Hosts whose upper directory is readable here are measured by one
   * `du` per batch of directories, run by a helper shell started once (a process per host was a tenth of the
   * server's CPU, and even one spawn per round stalled every terminal for the fork); the others one at a
   * time through the engine.
   */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const hosts = this.hosts();
      const live = new Set(hosts.map((host) => host.containerId));
      for (const id of this.upperDirs.keys()) if (!live.has(id)) this.upperDirs.delete(id);
      const local: { host: WatchedHost; upperDir: string }[] = [];
      for (const host of hosts) {
        if (host.engine) {
          const usedBytes = await this.engineUsedBytes(host.engine, host.containerId).catch((error: unknown) => {
            this.warnUnknown(host, error);
            return undefined;
          });
          await this.judge(host, usedBytes);
          continue;
        }
        const upperDir = await this.upperDirOf(host.containerId).catch((error: unknown) => {
          this.warnUnknown(host, error);
          return "gone" as const;
        });
        if (upperDir === "gone") continue;
        if (upperDir !== null) local.push({ host, upperDir });
        else {
          const usedBytes = await this.engineUsedBytes(this.docker, host.containerId).catch((error: unknown) => {
            this.warnUnknown(host, error);
            return undefined;
          });
          await this.judge(host, usedBytes);
        }
      }
      for (let first = 0; first < local.length; first += DU_BATCH) {
        const batch = local.slice(first, first + DU_BATCH);
        const used = await this.sizes.measure(batch.map((entry) => entry.upperDir)).catch((error: unknown) => {
          for (const { host } of batch) this.warnUnknown(host, error);
          return new Map<string, number>();
        });
        // A directory du could not read (its container went meanwhile) has no line: nothing to judge.
        for (const { host, upperDir } of batch) await this.judge(host, used.get(upperDir));
      }
    } finally {
      this.checking = false;
    }
  }

  private async judge(host: WatchedHost, usedBytes: number | undefined): Promise<void> {
    if (usedBytes !== undefined && usedBytes > host.quotaMiB * MIB) await this.onBreach({ ...host, usedBytes });
  }

  private warnUnknown(host: WatchedHost, error: unknown): void {
    this.logger.warn({ environment: host.environmentId, host: host.hostName, err: error }, "disk use unknown");
  }

  /** The container's readable upper directory, null to ask the engine, "gone" when the container is. */
  private async upperDirOf(containerId: string): Promise<string | null | "gone"> {
    const known = this.upperDirs.get(containerId);
    if (known !== undefined) return known;
    const upperDir = await this.readableUpperDir(containerId);
    if (upperDir !== "gone") this.upperDirs.set(containerId, upperDir);
    return upperDir;
  }

  /** Bytes the container's writable layer holds, from the engine (SizeRw); undefined when it is gone. */
  private async engineUsedBytes(docker: Dockerode, containerId: string): Promise<number | undefined> {
    try {
      // dockerode's types lack `size`; the Engine API takes it as a query parameter.
      const container = docker.getContainer(containerId);
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

/**
 * Kills a host past its quota through the engine that runs it, logging why; both runtimes call it once they have
 * marked the host stopped (so the learner is told the reason). A host removed (404) or stopped (409) meanwhile
 * writes no more: that is no failure.
 */
export async function stopHostOverQuota(breach: DiskQuotaBreach, engine: Dockerode, logger: Logger): Promise<void> {
  logger.warn(
    {
      environment: breach.environmentId,
      host: breach.hostName,
      usedMiB: Math.round(breach.usedBytes / MIB),
      quotaMiB: breach.quotaMiB,
    },
    "a host wrote more than its disk quota; stopping it",
  );
  try {
    await engine.getContainer(breach.containerId).kill();
  } catch (error) {
    const status = engineStatusOf(error);
    if (status !== 404 && status !== 409) {
      logger.error({ environment: breach.environmentId, err: error }, "could not stop a host over its quota");
    }
  }
}
