// Which of Circus's protections the engine and this machine actually give (user-namespace
// remapping, the OCI runtime asked for, the disk quota and reserve, the host firewall), each with
// the fix when it is missing. Printed by `npm start`, logged at server start-up, shown on /readyz.
import { access, constants, statfs } from "node:fs/promises";
import type Dockerode from "dockerode";
import type { ContainerRuntime } from "../config";
import { engineRemapsUsers } from "./engine-setup";
import { HOST_FIREWALL_TABLE, type HostRunner, hostFirewallInstalled } from "./host-firewall";
import { isRoot } from "./host-packages";
import { offeredOciRuntimes } from "./oci-runtimes";

export interface EngineProtection {
  name: "userns-remap" | "oci-runtime" | "disk-quota" | "disk-reserve" | "host-firewall";
  ok: boolean;
  /** What holds, or what is missing. */
  detail: string;
  /** What to do when it is missing. */
  fix?: string;
}

export interface EngineProtectionOptions {
  /** The OCI runtime sandboxes use. Default "runc". */
  runtime?: ContainerRuntime;
  /** The free-disk reserve in MiB (0: none). Default 4096. */
  diskReserveMiB?: number;
  /** How `nft` is run (tests: inside their namespace). Default: on this machine. */
  firewallRunner?: HostRunner;
}

const MIB = 1024 * 1024;

export async function checkEngineProtections(
  docker: Dockerode,
  options: EngineProtectionOptions = {},
): Promise<EngineProtection[]> {
  const runtime = options.runtime ?? "runc";
  const reserveMiB = options.diskReserveMiB ?? 4096;
  const info = (await docker.info()) as { DockerRootDir?: string; Driver?: string };
  const [remapped, runtimes, dataRootReadable, firewall] = await Promise.all([
    engineRemapsUsers(docker),
    offeredOciRuntimes(docker),
    readable(info.DockerRootDir),
    isRoot() || options.firewallRunner ? hostFirewallInstalled({ runner: options.firewallRunner }) : undefined,
  ]);
  const free = dataRootReadable ? await freeMiB(info.DockerRootDir!) : undefined;
  return [
    remapped
      ? { name: "userns-remap", ok: true, detail: "root in a sandbox is an unprivileged uid on the host" }
      : {
          name: "userns-remap",
          ok: false,
          detail: "the engine runs without user-namespace remapping: root in a sandbox is root on the host",
          fix: 'as root, `npx tsx scripts/ensure-engine.ts --adopt-engine` lets Circus switch it (dockerd restarts, circus images are carried over); or add "userns-remap": "default" to /etc/docker/daemon.json, restart dockerd and run `npm run images`',
        },
    runtimes.includes(runtime)
      ? { name: "oci-runtime", ok: true, detail: `sandboxes run on ${runtime}` }
      : {
          name: "oci-runtime",
          ok: false,
          detail: `the engine does not offer ${runtime} (it has ${runtimes.join(", ")})`,
          fix: `register ${runtime} under "runtimes" in /etc/docker/daemon.json and send dockerd SIGHUP, or set CIRCUS_SANDBOX_RUNTIME=runc`,
        },
    dataRootReadable
      ? {
          name: "disk-quota",
          ok: true,
          detail: `writable layers (${info.Driver ?? "?"}) are measured on disk and a host past its quota is stopped`,
        }
      : {
          name: "disk-quota",
          ok: false,
          detail:
            "the engine's data root is not readable here: quotas are measured through the Engine API (slow on large layers)",
          fix: "run Circus as root on the engine's machine",
        },
    free === undefined
      ? {
          name: "disk-reserve",
          ok: false,
          detail: "the free space of the engine's data root cannot be read here: no reserve is kept",
          fix: "run Circus as root on the engine's machine",
        }
      : free >= reserveMiB
        ? { name: "disk-reserve", ok: true, detail: `${free} MiB free, reserve ${reserveMiB} MiB` }
        : {
            name: "disk-reserve",
            ok: false,
            detail: `${free} MiB free, below the reserve of ${reserveMiB} MiB: new environments are refused`,
            fix: "free disk space on the engine's data root, or lower CIRCUS_SANDBOX_DISK_RESERVE_MIB",
          },
    firewall === true
      ? { name: "host-firewall", ok: true, detail: "traffic from sandbox bridges to this machine is dropped" }
      : {
          name: "host-firewall",
          ok: false,
          detail:
            firewall === undefined
              ? "cannot be checked without root"
              : `the nftables tables ${HOST_FIREWALL_TABLE} are missing: NET_ADMIN labs can reach this machine`,
          fix: "as root, run `npx tsx scripts/ensure-engine.ts` (npm start does it)",
        },
  ];
}

async function readable(path: string | undefined): Promise<boolean> {
  if (!path) return false;
  try {
    await access(path, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function freeMiB(path: string): Promise<number | undefined> {
  try {
    const stats = await statfs(path);
    return Math.floor((stats.bavail * stats.bsize) / MIB);
  } catch {
    return undefined;
  }
}
