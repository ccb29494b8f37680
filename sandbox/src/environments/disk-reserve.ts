// The free disk the machine keeps for itself: new environments are refused (DiskReserveLowError,
// a 503 in the web app) while the filesystem of the engine's data root has less than the reserve.
import { statfs } from "node:fs/promises";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { DiskReserveLowError } from "../errors";
import { callEngine } from "./engine-failures";

const MIB = 1024 * 1024;

export class DiskReserve {
  /** The engine's data root when it can be read on this machine; null when not (remote engine). */
  private dataRoot: string | null | undefined;

  constructor(
    private readonly docker: Dockerode,
    private readonly reserveMiB: number,
    private readonly logger: Logger,
  ) {}

  /** Free MiB on the engine's data root, or undefined when it is not visible from here. */
  async freeMiB(): Promise<number | undefined> {
    if (this.dataRoot === undefined) {
      const info = (await callEngine(() => this.docker.info())) as { DockerRootDir?: string };
      this.dataRoot = info.DockerRootDir ?? null;
    }
    if (this.dataRoot === null) return undefined;
    try {
      const stats = await statfs(this.dataRoot);
      return Math.floor((stats.bavail * stats.bsize) / MIB);
    } catch (error) {
      this.logger.warn(
        { dataRoot: this.dataRoot, err: error },
        "the engine's data root is not on this machine; no disk reserve",
      );
      this.dataRoot = null;
      return undefined;
    }
  }

  /** Throws DiskReserveLowError when less than the reserve is free; a reserve of 0 never does. */
  async assertAvailable(): Promise<void> {
    if (this.reserveMiB === 0) return;
    const free = await this.freeMiB();
    if (free !== undefined && free < this.reserveMiB) throw new DiskReserveLowError(free, this.reserveMiB);
  }
}
