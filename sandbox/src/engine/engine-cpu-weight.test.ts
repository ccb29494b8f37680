import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { placeEngineBehindSandboxes } from "./engine-cpu-weight";

let root: string;
let cgroupRoot: string;
let procRoot: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "circus-cpu-weight-"));
  cgroupRoot = join(root, "cgroup");
  procRoot = join(root, "proc");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A process in the fake /proc: its stat (name, parent) and its cgroup lines. */
async function processOf(pid: number, name: string, parent: number, cgroup: string) {
  await mkdir(join(procRoot, String(pid)), { recursive: true });
  await writeFile(
    join(procRoot, String(pid), "stat"),
    `${pid} (${name}) S ${parent} ${pid} ${pid} 0 -1 4194560 ${Array(44).fill(0).join(" ")}\n`,
  );
  await writeFile(join(procRoot, String(pid), "cgroup"), cgroup);
}

const v1Root = "12:pids:/\n3:cpu,cpuacct:/\n1:name=systemd:/\n0::/\n";

describe("placeEngineBehindSandboxes", () => {
  it("moves dockerd and its containerd, not other processes, into a quarter-weight cgroup (v1)", async () => {
    await mkdir(join(cgroupRoot, "cpu"), { recursive: true });
    await writeFile(join(cgroupRoot, "cpu", "cpu.shares"), "1024\n");
    await processOf(100, "dockerd", 1, v1Root);
    await processOf(101, "containerd", 100, v1Root);
    await processOf(102, "containerd", 1, v1Root); // another engine's
    await processOf(103, "node", 100, v1Root);

    const outcome = await placeEngineBehindSandboxes({ dockerdPid: 100, cgroupRoot, procRoot });
    expect(outcome).toEqual({ kind: "placed", group: "/circus-engine", pids: [100, 101] });
    const group = join(cgroupRoot, "cpu", "circus-engine");
    expect(await readFile(join(group, "cpu.shares"), "utf8")).toBe("256\n");
    // The fake file keeps only the last write; the kernel takes each pid.
    expect(await readFile(join(group, "cgroup.procs"), "utf8")).toBe("101\n");
  });

  it("uses cpu.weight and enables the controller on cgroup v2", async () => {
    await mkdir(cgroupRoot, { recursive: true });
    await writeFile(join(cgroupRoot, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    await processOf(200, "dockerd", 1, "0::/\n");
    const outcome = await placeEngineBehindSandboxes({ dockerdPid: 200, cgroupRoot, procRoot });
    expect(outcome).toMatchObject({ kind: "placed", pids: [200] });
    expect(await readFile(join(cgroupRoot, "cgroup.subtree_control"), "utf8")).toBe("+cpu\n");
    expect(await readFile(join(cgroupRoot, "circus-engine", "cpu.weight"), "utf8")).toBe("25\n");
  });

  it("leaves an engine in a cgroup of its service manager alone and says how to weigh it there", async () => {
    await mkdir(cgroupRoot, { recursive: true });
    await writeFile(join(cgroupRoot, "cgroup.controllers"), "cpu memory\n");
    await processOf(300, "dockerd", 1, "0::/system.slice/docker.service\n");
    const outcome = await placeEngineBehindSandboxes({ dockerdPid: 300, cgroupRoot, procRoot });
    expect(outcome).toMatchObject({ kind: "managed-elsewhere", cgroup: "/system.slice/docker.service" });
    expect(outcome.kind === "managed-elsewhere" && outcome.fix).toMatch(/CPUWeight=25/);
  });

  it("answers already-placed and unsupported without writing", async () => {
    await mkdir(join(cgroupRoot, "cpu"), { recursive: true });
    await writeFile(join(cgroupRoot, "cpu", "cpu.shares"), "1024\n");
    await processOf(400, "dockerd", 1, "3:cpu,cpuacct:/circus-engine\n");
    expect(await placeEngineBehindSandboxes({ dockerdPid: 400, cgroupRoot, procRoot })).toEqual({
      kind: "already",
      group: "/circus-engine",
    });
    expect(
      await placeEngineBehindSandboxes({ dockerdPid: 400, cgroupRoot: join(root, "none"), procRoot }),
    ).toMatchObject({ kind: "unsupported" });
  });
});
