// A Docker engine of a fault test's own, never the shared one: its own data root, exec root, socket,
// pid file and empty daemon.json, in a network namespace of its own (`unshare --net`) without a
// default bridge or iptables rules, so it cannot touch the machine's networking. The test stops and
// starts it under running sessions; `remove()` stops it and deletes everything it made.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";

const READY_TIMEOUT_MS = 60_000;

export interface OwnDockerd {
  /** unix:///...docker.sock, for DOCKER_HOST. */
  host: string;
  docker: Dockerode;
  /** Starts dockerd (again) and waits until it answers. */
  start(): Promise<void>;
  /** SIGTERM to dockerd (it stops its containers), then waits for it to exit. */
  stop(): Promise<void>;
  /** Copies an image of the shared engine into this one (`docker save | docker load`). */
  loadImage(image: string): Promise<void>;
  /** Stops it and removes its folders. */
  remove(): Promise<void>;
}

export async function createOwnDockerd(): Promise<OwnDockerd> {
  // Short: containerd's socket paths under the exec root must fit in 108 bytes.
  const dir = await mkdtemp(join(tmpdir(), "cfd-"));
  const socket = join(dir, "docker.sock");
  const pidFile = join(dir, "dockerd.pid");
  const configFile = join(dir, "daemon.json");
  await writeFile(configFile, "{}\n");
  const docker = new Dockerode({ socketPath: socket });
  let child: ChildProcess | undefined;
  let log = "";

  const start = async () => {
    const args = [
      "--net",
      "--fork",
      "--kill-child",
      "--",
      "dockerd",
      `--config-file=${configFile}`,
      `--data-root=${join(dir, "data")}`,
      `--exec-root=${join(dir, "exec")}`,
      `--pidfile=${pidFile}`,
      `--host=unix://${socket}`,
      "--bridge=none",
      "--iptables=false",
      "--ip-forward=false",
      "--ip-masq=false",
      "--shutdown-timeout=2",
      "--log-level=warn",
    ];
    const started = spawn("unshare", args, { stdio: ["ignore", "ignore", "pipe"] });
    started.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-4_000);
    });
    child = started;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`dockerd exited at start:\n${log}`);
      if (
        await docker.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${READY_TIMEOUT_MS} ms:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    // dockerd itself (unshare's child) stops its containers; unshare then exits with it.
    if (pid > 0) process.kill(pid, "SIGTERM");
    else running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  };

  const loadImage = (image: string) =>
    new Promise<void>((resolve, reject) => {
      const save = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "inherit"] });
      const load = spawn("docker", ["-H", `unix://${socket}`, "load", "-q"], {
        stdio: ["pipe", "ignore", "inherit"],
      });
      save.stdout.pipe(load.stdin);
      load.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`docker load exited with ${code}`))));
      save.once("error", reject);
      load.once("error", reject);
    });

  await start();
  return {
    host: `unix://${socket}`,
    docker,
    start,
    stop,
    loadImage,
    remove: async () => {
      if (child?.exitCode === null) {
        // Containers first, so nothing is left running in its namespace.
        const containers = await docker.listContainers({ all: true }).catch(() => []);
        await Promise.all(
          containers.map((c) =>
            docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => undefined),
          ),
        );
      }
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
