// What an idle environment costs in memory on the engine's machine: the container's own usage
// (as `docker stats` counts it) plus the containerd shim that supervises it, read from /proc.
import { readdir, readFile } from "node:fs/promises";
import type Dockerode from "dockerode";

const MIB = 1024 * 1024;

export interface ContainerMemory {
  /** Cgroup usage less inactive page cache, as `docker stats` shows it. */
  containerBytes: number;
  /** Resident set of the container's containerd shim (shared pages counted in full). */
  shimRssBytes: number;
  /** Proportional set of the shim (shared pages split among the processes that map them). */
  shimPssBytes: number;
}

export async function containerMemory(docker: Dockerode, containerId: string, shims: Map<string, number>) {
  const stats = (await docker.getContainer(containerId).stats({ stream: false })) as unknown as {
    memory_stats: { usage?: number; stats?: Record<string, number> };
  };
  const { usage = 0, stats: detail = {} } = stats.memory_stats;
  const inactive = detail.total_inactive_file ?? detail.inactive_file ?? 0;
  const shimPid = shims.get(containerId);
  const shim = shimPid === undefined ? { rss: 0, pss: 0 } : await processMemory(shimPid);
  return { containerBytes: usage - inactive, shimRssBytes: shim.rss, shimPssBytes: shim.pss } satisfies ContainerMemory;
}

/** Container id → pid of its `containerd-shim-runc-v2 ... -id <container id>` process. */
export async function findShims(): Promise<Map<string, number>> {
  const shims = new Map<string, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0");
    } catch {
      continue; // the process ended meanwhile
    }
    if (!argv[0]?.includes("containerd-shim")) continue;
    const id = argv[argv.indexOf("-id") + 1];
    if (argv.includes("-id") && id) shims.set(id, Number(entry));
  }
  return shims;
}

async function processMemory(pid: number): Promise<{ rss: number; pss: number }> {
  const kib = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
  return { rss: kib(status, "VmRSS") * 1024, pss: kib(rollup, "Pss") * 1024 };
}

export function toMiB(bytes: number): number {
  return Math.round((bytes / MIB) * 100) / 100;
}
