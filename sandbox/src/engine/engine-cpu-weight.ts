// The engine's share of the CPU when the machine is busy. dockerd and containerd run dozens of threads, each
// weighing as much as a whole process in the root CPU cgroup, while all sandboxes together share one `docker`
// cgroup: during a burst of starts (a workshop's first minute) the engine took most of 2 cores and every
// learner's echo waited behind it (p99 210 ms at 200 learners). Terminals no longer pass through the engine
// (terminal pipes), so the engine's bulk work can yield: its daemons go into a `circus-engine` CPU cgroup of
// a quarter of the default weight. Shares only count when the CPU is contended; an idle machine gives the
// engine all it asks for. New shims and execs are forked by containerd, so they start in it too; a container's
// processes are moved into the container's own cgroup by runc as before.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readProcessStat } from "./process-stat";

export const ENGINE_CPU_GROUP = "circus-engine";
/** cgroup v1 cpu.shares (default 1024) and the v2 cpu.weight of the same ratio (default 100). */
const ENGINE_SHARES = 256;
const ENGINE_WEIGHT = 25;

export type EngineCpuWeightOutcome =
  | { kind: "placed"; group: string; pids: number[] }
  | { kind: "already"; group: string }
  /** The daemons are in a cgroup someone else manages (a systemd service): left alone. */
  | { kind: "managed-elsewhere"; cgroup: string; fix: string }
  | { kind: "unsupported"; detail: string };

export interface EngineCpuWeightInput {
  dockerdPid: number;
  /** Default /sys/fs/cgroup and /proc; tests give folders of their own. */
  cgroupRoot?: string;
  procRoot?: string;
}

/** Puts dockerd and the containerd it started into the `circus-engine` CPU cgroup (v1 or v2). Needs root. */
export async function placeEngineBehindSandboxes(input: EngineCpuWeightInput): Promise<EngineCpuWeightOutcome> {
  const cgroupRoot = input.cgroupRoot ?? "/sys/fs/cgroup";
  const procRoot = input.procRoot ?? "/proc";
  const hierarchy = await cpuHierarchy(cgroupRoot);
  if (!hierarchy) return { kind: "unsupported", detail: `no CPU controller under ${cgroupRoot}` };
  const current = await cpuCgroupOf(procRoot, input.dockerdPid, hierarchy.version);
  if (current === undefined)
    return { kind: "unsupported", detail: `cannot read the cgroup of pid ${input.dockerdPid}` };
  const group = `/${ENGINE_CPU_GROUP}`;
  if (current === group) return { kind: "already", group };
  if (current !== "/") {
    return {
      kind: "managed-elsewhere",
      cgroup: current,
      fix: "systemctl set-property docker.service CPUWeight=25 && systemctl set-property containerd.service CPUWeight=25",
    };
  }
  const folder = join(hierarchy.mount, ENGINE_CPU_GROUP);
  await mkdir(folder, { recursive: true });
  if (hierarchy.version === 1) {
    await writeFile(join(folder, "cpu.shares"), `${ENGINE_SHARES}\n`);
  } else {
    await writeFile(join(hierarchy.mount, "cgroup.subtree_control"), "+cpu\n");
    await writeFile(join(folder, "cpu.weight"), `${ENGINE_WEIGHT}\n`);
  }
  const pids = [input.dockerdPid, ...(await childrenNamed(procRoot, input.dockerdPid, "containerd"))];
  // One write per process: the kernel moves all of its threads.
  for (const pid of pids) await writeFile(join(folder, "cgroup.procs"), `${pid}\n`);
  return { kind: "placed", group, pids };
}

/** Where the CPU controller is mounted: cgroup v1's `cpu` hierarchy, else the v2 unified one with `cpu`. */
async function cpuHierarchy(cgroupRoot: string): Promise<{ version: 1 | 2; mount: string } | undefined> {
  const v1 = join(cgroupRoot, "cpu");
  if (await exists(join(v1, "cpu.shares"))) return { version: 1, mount: v1 };
  const controllers = await readFile(join(cgroupRoot, "cgroup.controllers"), "utf8").catch(() => "");
  return controllers.split(/\s+/).includes("cpu") ? { version: 2, mount: cgroupRoot } : undefined;
}

/** The process's cgroup path in the CPU hierarchy (`/` at the root). */
async function cpuCgroupOf(procRoot: string, pid: number, version: 1 | 2): Promise<string | undefined> {
  const lines = await readFile(join(procRoot, String(pid), "cgroup"), "utf8").catch(() => undefined);
  if (lines === undefined) return undefined;
  for (const line of lines.split("\n")) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (version === 2 ? controllers === "" : controllers!.split(",").includes("cpu")) return path;
  }
  return undefined;
}

async function childrenNamed(procRoot: string, parent: number, name: string): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readProcessStat(entry, procRoot);
    if (stat?.parentPid === parent && stat.name === name) children.push(Number(entry));
  }
  return children;
}

async function exists(path: string): Promise<boolean> {
  return readFile(path, "utf8").then(
    () => true,
    () => false,
  );
}
