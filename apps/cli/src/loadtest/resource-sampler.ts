// What the load costs: the server's CPU time and memory from its /metrics (prom-client's process
// metrics), and, when the server is on this machine, the engine's: the sandboxes' cgroups (cgroup v1 or
// v2) found through the Docker API by their scope label, their containerd shims and the engine daemons.
import { readdir, readFile } from "node:fs/promises";
import { connectEngine, readProcessStat } from "@circus/sandbox";
import { type DockerdLookup, findDockerd } from "./engine-daemon";

export interface ResourceSample {
  /** performance-independent wall clock (ms). */
  at: number;
  /** Cumulative CPU seconds of the server process; undefined when /metrics could not be read. */
  serverCpuSeconds?: number;
  serverMemoryMiB?: number;
  /** The server's event-loop delay p99 (ms) since the previous scrape of its /metrics (prom-client resets it). */
  serverLagP99Ms?: number;
  /** Cumulative CPU seconds of the sandboxes' containers, their shims and dockerd + containerd. */
  engineCpuSeconds?: number;
  /**
   * The same by part (container id, or `pid:<n>` for a daemon or shim), so that a step's CPU counts only what
   * ran during it: a part that appeared counts from zero, one that went is left out (no negative figures).
   */
  engineCpuParts?: Record<string, number>;
  /** Memory of the sandboxes (less inactive file cache), their shims and the engine daemons. */
  engineMemoryMiB?: number;
  sandboxes?: number;
}

export interface ResourceSamplerOptions {
  origin: string;
  /** Bearer token for /metrics (CIRCUS_METRICS_TOKEN); without it only a loopback server answers. */
  metricsToken?: string;
  /** Measure the engine too (only when the server is on this machine). */
  engine: boolean;
  /** The `circus.scope` label of the deployment's sandboxes. */
  sandboxScope: string;
}

const TICKS_PER_SECOND = 100;
const PAGE_KIB = 4;

export class ResourceSampler {
  #warned = new Set<string>();
  /** The engine's dockerd, looked up once. */
  #dockerd: Promise<DockerdLookup> | undefined;
  constructor(
    readonly options: ResourceSamplerOptions,
    readonly warn: (line: string) => void,
  ) {}

  async sample(): Promise<ResourceSample> {
    const [server, engine] = await Promise.all([this.#server(), this.options.engine ? this.#engine() : undefined]);
    return { at: Date.now(), ...server, ...engine };
  }

  async #server(): Promise<Pick<ResourceSample, "serverCpuSeconds" | "serverMemoryMiB" | "serverLagP99Ms">> {
    try {
      const response = await fetch(`${this.options.origin}/metrics`, {
        headers: this.options.metricsToken ? { authorization: `Bearer ${this.options.metricsToken}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      const cpu = metricValue(text, "process_cpu_seconds_total");
      const rss = metricValue(text, "process_resident_memory_bytes");
      const lag = metricValue(text, "nodejs_eventloop_lag_p99_seconds");
      return {
        ...(lag === undefined ? {} : { serverLagP99Ms: lag * 1000 }),
        ...(cpu === undefined ? {} : { serverCpuSeconds: cpu }),
        ...(rss === undefined ? {} : { serverMemoryMiB: rss / 1024 ** 2 }),
      };
    } catch (error) {
      this.#warnOnce("metrics", `server CPU and memory not measured: ${messageOf(error)} (set CIRCUS_METRICS_TOKEN)`);
      return {};
    }
  }

  async #engine(): Promise<
    Pick<ResourceSample, "engineCpuSeconds" | "engineCpuParts" | "engineMemoryMiB" | "sandboxes">
  > {
    try {
      const docker = await connectEngine();
      const containers = await docker.listContainers({
        filters: { label: [`circus.scope=${this.options.sandboxScope}`, "circus.environment"] },
      });
      let cpu = 0;
      let memory = 0;
      const parts: Record<string, number> = {};
      for (const container of containers) {
        const usage = await containerUsage(container.Id);
        cpu += usage.cpuSeconds;
        memory += usage.memoryMiB;
        parts[container.Id] = usage.cpuSeconds;
      }
      const ids = new Set(containers.map((container) => container.Id));
      // The socket dockerode reaches the engine at (none over TCP).
      this.#dockerd ??= findDockerd({ socketPath: (docker.modem as { socketPath?: string }).socketPath });
      const dockerd = await this.#dockerd;
      if ("missing" in dockerd) throw new Error(dockerd.missing);
      const processes = await engineProcesses(dockerd.pid, ids);
      Object.assign(parts, processes.parts);
      return {
        engineCpuSeconds: cpu + processes.cpuSeconds,
        engineCpuParts: parts,
        engineMemoryMiB: memory + processes.memoryMiB,
        sandboxes: containers.length,
      };
    } catch (error) {
      this.#warnOnce("engine", `engine CPU and memory not measured: ${messageOf(error)}`);
      return {};
    }
  }

  #warnOnce(key: string, line: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.warn(line);
  }
}

/** The value of an unlabelled metric in Prometheus's text format. */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  const value =
    line === undefined
      ? Number.NaN
      : Number(
          line
            .slice(name.length + 1)
            .trim()
            .split(" ")[0],
        );
  return Number.isFinite(value) ? value : undefined;
}

/** A container's CPU seconds and memory (less inactive file cache) from its cgroup, v1 or v2. */
async function containerUsage(id: string): Promise<{ cpuSeconds: number; memoryMiB: number }> {
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  const v1Memory = `/sys/fs/cgroup/memory/docker/${id}`;
  const v2 = await findV2Group(id);
  try {
    if (v2) {
      const cpuStat = await readFile(`${v2}/cpu.stat`, "utf8");
      const usageUsec = Number(/^usage_usec (\d+)/m.exec(cpuStat)?.[1] ?? 0);
      const current = Number(await readFile(`${v2}/memory.current`, "utf8"));
      const inactive = Number(/^inactive_file (\d+)/m.exec(await readFile(`${v2}/memory.stat`, "utf8"))?.[1] ?? 0);
      return { cpuSeconds: usageUsec / 1e6, memoryMiB: Math.max(0, current - inactive) / 1024 ** 2 };
    }
    const usageNs = Number(await readFile(v1, "utf8"));
    const current = Number(await readFile(`${v1Memory}/memory.usage_in_bytes`, "utf8"));
    const stat = await readFile(`${v1Memory}/memory.stat`, "utf8");
    const inactive = Number(/^total_inactive_file (\d+)/m.exec(stat)?.[1] ?? 0);
    return { cpuSeconds: usageNs / 1e9, memoryMiB: Math.max(0, current - inactive) / 1024 ** 2 };
  } catch {
    // The container went between the listing and the read.
    return { cpuSeconds: 0, memoryMiB: 0 };
  }
}

async function findV2Group(id: string): Promise<string | undefined> {
  for (const candidate of [`/sys/fs/cgroup/system.slice/docker-${id}.scope`, `/sys/fs/cgroup/docker/${id}`]) {
    try {
      await readFile(`${candidate}/cpu.stat`);
      return candidate;
    } catch {
      // Not this layout.
    }
  }
  return undefined;
}

/**
 * CPU and RSS of the engine's dockerd (`dockerdPid`, see engine-daemon.ts: other dockerds on the machine are not
 * counted), the containerd it started and the shims of `containerIds` (read from /proc).
 */
async function engineProcesses(
  dockerdPid: number,
  containerIds: ReadonlySet<string>,
): Promise<{ cpuSeconds: number; memoryMiB: number; parts: Record<string, number> }> {
  const dockerd = String(dockerdPid);
  let cpuSeconds = 0;
  let memoryMiB = 0;
  const parts: Record<string, number> = {};
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const command = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
      const program = command[0]?.split("/").pop() ?? "";
      const shimOf = program.startsWith("containerd-shim") ? command[command.indexOf("-id") + 1] : undefined;
      if (program !== "dockerd" && program !== "containerd" && !(shimOf && containerIds.has(shimOf))) continue;
      const stat = await readProcessStat(pid);
      if (!stat) continue;
      // Only the engine's dockerd and the containerd it started count (not a test's own dockerd).
      if (program === "dockerd" && pid !== dockerd) continue;
      if (program === "containerd" && String(stat.parentPid) !== dockerd) continue;
      const cpu = (stat.userTicks + stat.systemTicks) / TICKS_PER_SECOND;
      cpuSeconds += cpu;
      parts[`pid:${pid}`] = cpu;
      memoryMiB += (stat.rssPages * PAGE_KIB) / 1024;
    } catch {
      // The process ended meanwhile.
    }
  }
  return { cpuSeconds, memoryMiB, parts };
}

/** CPU seconds used between two samples, part by part (see `engineCpuParts`). */
export function engineCpuBetween(before: ResourceSample, after: ResourceSample): number | undefined {
  if (!after.engineCpuParts) {
    return before.engineCpuSeconds === undefined || after.engineCpuSeconds === undefined
      ? undefined
      : after.engineCpuSeconds - before.engineCpuSeconds;
  }
  let used = 0;
  for (const [part, seconds] of Object.entries(after.engineCpuParts)) {
    used += Math.max(0, seconds - (before.engineCpuParts?.[part] ?? 0));
  }
  return used;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
