// A dockerd of the test's own, never the shared engine: its own network namespace (with a bridge
// the test owns for listeners), data root, exec root, socket and pid file, configured as the test
// needs (e.g. userns-remap). Images are copied in from the shared engine with save | load.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, open, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import Dockerode from "dockerode";

const run = promisify(execFile);

export interface PrivateEngine {
  docker: Dockerode;
  /** The network namespace dockerd runs in (the test's listeners go there too). */
  netns: string;
  /** An address on a bridge the test created inside the namespace, e.g. 10.213.0.1. */
  testAddress: string;
  /** Runs argv inside the namespace (e.g. `nft`, `ip`). */
  exec(argv: string[], input?: string): Promise<string>;
  /** Starts a program inside the namespace; the caller kills it by its pid. */
  spawn(argv: string[]): ChildProcess;
  /** The daemon.json this dockerd reads (`--config-file`), and a folder for state next to it. */
  configFile: string;
  dir: string;
  /** The running dockerd's pid. */
  pid(): number;
  /** Starts dockerd again (after it was stopped) with the same flags; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops dockerd by its pid and removes the namespace and every file. */
  stop(): Promise<void>;
}

export interface PrivateEngineOptions {
  /** Extra dockerd flags, e.g. ["--userns-remap=default"]. */
  flags?: string[];
  /** The initial content of its daemon.json. Default `{}`. */
  daemonConfig?: Record<string, unknown>;
  /** Images copied from the shared engine. */
  images: string[];
  /** The namespace's /etc/resolv.conf (through /etc/netns/<name>/resolv.conf). */
  resolvConf?: string;
}

const TEST_SUBNET = "10.213.0.1/24";

export async function startPrivateEngine(options: PrivateEngineOptions): Promise<PrivateEngine> {
  const id = randomBytes(4).toString("hex");
  const netns = `circus-t-${id}`;
  const dir = await mkdtemp(join(tmpdir(), "circus-engine-"));
  await chmod(dir, 0o711); // a remapped root must be able to traverse to its data root
  const socket = join(dir, "docker.sock");
  const inNetns = (argv: string[]) => ["ip", "netns", "exec", netns, ...argv];
  const exec = async (argv: string[], input?: string) => {
    const [command, ...args] = inNetns(argv);
    const child = run(command!, args, { maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };
  let dockerd: ChildProcess | undefined;
  const stop = async () => {
    if (dockerd?.pid !== undefined && dockerd.exitCode === null) {
      dockerd.kill("SIGTERM");
      const exited = new Promise((resolve) => dockerd!.once("exit", resolve));
      if ((await Promise.race([exited, sleep(20_000, "timeout")])) === "timeout") dockerd.kill("SIGKILL");
    }
    await run("ip", ["netns", "delete", netns]).catch(() => {});
    await rm(`/etc/netns/${netns}`, { recursive: true, force: true });
    await rmdir("/etc/netns").catch(() => {}); // only when no other namespace has a folder there
    // Remapped layers may be owned by other uids and still mounted a moment: retry the removal.
    await run("bash", [
      "-c",
      'for m in $(grep -o " $0[^ ]*" /proc/mounts | sort -r); do umount -l "$m"; done',
      dir,
    ]).catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  try {
    await run("ip", ["netns", "add", netns]);
    await exec(["ip", "link", "set", "lo", "up"]);
    await exec(["ip", "link", "add", "ctest0", "type", "bridge"]);
    await exec(["ip", "addr", "add", TEST_SUBNET, "dev", "ctest0"]);
    await exec(["ip", "link", "set", "ctest0", "up"]);
    if (options.resolvConf !== undefined) {
      await mkdir(`/etc/netns/${netns}`, { recursive: true });
      await writeFile(`/etc/netns/${netns}/resolv.conf`, options.resolvConf);
    }
    const configFile = join(dir, "daemon.json");
    await writeFile(configFile, JSON.stringify(options.daemonConfig ?? {}));
    const docker = new Dockerode({ socketPath: socket });
    const startDockerd = async () => {
      const log = await open(join(dir, "dockerd.log"), "a");
      try {
        // Not `ip netns exec`: it remounts /sys, which hides the cgroup mounts dockerd needs. Only the
        // network namespace is entered, plus a private mount namespace for the resolv.conf bind mount.
        const resolvConf =
          options.resolvConf === undefined ? "" : `mount --bind /etc/netns/${netns}/resolv.conf /etc/resolv.conf && `;
        dockerd = spawn(
          "nsenter",
          [
            `--net=/run/netns/${netns}`,
            "unshare",
            "--mount",
            "--propagation=private",
            "sh",
            "-c",
            `${resolvConf}exec dockerd "$@"`,
            "dockerd",
            `--config-file=${configFile}`,
            `--data-root=${join(dir, "data")}`,
            `--exec-root=${join(dir, "exec")}`,
            `--pidfile=${join(dir, "docker.pid")}`,
            `--host=unix://${socket}`,
            ...(options.flags ?? []),
          ],
          { stdio: ["ignore", log.fd, log.fd] },
        );
      } finally {
        await log.close();
      }
      const started = dockerd;
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await docker.ping();
          return;
        } catch (error) {
          if (started.exitCode !== null || Date.now() > deadline) {
            const tail = await readFile(join(dir, "dockerd.log"), "utf8").catch(() => "");
            throw new Error(`the private dockerd did not start: ${String(error)}\n${tail.slice(-2000)}`);
          }
          await sleep(250);
        }
      }
    };
    await startDockerd();
    if (options.images.length > 0) {
      await run("bash", ["-c", 'docker save "$@" | docker -H "unix://$0" load -q', socket, ...options.images], {
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    return {
      docker,
      netns,
      testAddress: TEST_SUBNET.split("/")[0]!,
      configFile,
      dir,
      pid: () => dockerd!.pid!,
      restart: startDockerd,
      exec,
      spawn: (argv) => {
        const [command, ...args] = inNetns(argv);
        return spawn(command!, args, { stdio: ["ignore", "pipe", "pipe"] });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
