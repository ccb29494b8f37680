// Which process is the engine's dockerd, so that the load test counts its CPU and memory (and its containerd's)
// and not another dockerd on the machine (Docker-in-Docker, a test's private engine): the pid in the
// configured pidfile when that process serves the engine's socket, else the dockerd whose open sockets
// include the one bound at the engine's socket path (read from /proc).
import { readdir, readFile, readlink, realpath } from "node:fs/promises";
import { z } from "zod";

/** dockerd's own default, used when daemon.json names no pidfile. */
export const DEFAULT_DOCKERD_PID_FILE = "/var/run/docker.pid";
export const DEFAULT_DAEMON_CONFIG = "/etc/docker/daemon.json";

export interface FindDockerdOptions {
  /** The unix socket the engine is reached at (undefined: reached over TCP). */
  socketPath: string | undefined;
  /** dockerd's configuration file (its `pidfile` is read). Default /etc/docker/daemon.json. */
  daemonConfig?: string;
  /** The pidfile to try when the configuration names none. Default /var/run/docker.pid. */
  defaultPidFile?: string;
}

export type DockerdLookup = { pid: number; how: "pidfile" | "socket" } | { missing: string };

const daemonConfigSchema = z.object({ pidfile: z.string().optional() }).passthrough();

export async function findDockerd(options: FindDockerdOptions): Promise<DockerdLookup> {
  const { socketPath } = options;
  if (socketPath === undefined) {
    return { missing: "the engine is reached over TCP, so its dockerd cannot be told apart on this machine" };
  }
  const socket = await realpath(socketPath).catch(() => socketPath);
  const pidFile = (await configuredPidFile(options.daemonConfig ?? DEFAULT_DAEMON_CONFIG)) ?? options.defaultPidFile;
  const fromFile = await readPid(pidFile ?? DEFAULT_DOCKERD_PID_FILE);
  if (fromFile !== undefined && (await servesSocket(fromFile, socket))) return { pid: fromFile, how: "pidfile" };
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== fromFile && (await servesSocket(pid, socket))) return { pid, how: "socket" };
  }
  return {
    missing: `no dockerd on this machine serves ${socketPath} (looked in ${pidFile ?? DEFAULT_DOCKERD_PID_FILE} and /proc; is the engine in another PID namespace or container?)`,
  };
}

async function configuredPidFile(configFile: string): Promise<string | undefined> {
  try {
    const parsed = daemonConfigSchema.safeParse(JSON.parse(await readFile(configFile, "utf8")));
    return parsed.success ? parsed.data.pidfile : undefined;
  } catch {
    return undefined; // no configuration file (dockerd's defaults) or one dockerd itself would refuse
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether `pid` is a dockerd that holds a socket bound at `socket` (in its own network namespace's table). */
async function servesSocket(pid: number, socket: string): Promise<boolean> {
  try {
    if ((await readFile(`/proc/${pid}/comm`, "utf8")).trim() !== "dockerd") return false;
    const inodes = await boundInodes(pid, socket);
    if (inodes.size === 0) return false;
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return true;
    }
    return false;
  } catch {
    return false; // it ended meanwhile, or its fds are not ours to read
  }
}

/** Listening flag (__SO_ACCEPTCON) in /proc/net/unix: accepted connections carry the path too. */
const LISTENING = "00010000";

/** The inodes of listening unix sockets bound at `socket`, from /proc/<pid>/net/unix (Num RefCount Protocol Flags Type St Inode Path). */
async function boundInodes(pid: number, socket: string): Promise<Set<string>> {
  const table = await readFile(`/proc/${pid}/net/unix`, "utf8");
  const inodes = new Set<string>();
  for (const line of table.split("\n").slice(1)) {
    const columns = line.trim().split(/\s+/);
    const [flags, inode, path] = [columns[3], columns[6], columns[7]];
    if (flags !== LISTENING || inode === undefined || path === undefined) continue;
    if (path === socket || (await realpath(path).catch(() => path)) === socket) inodes.add(inode);
  }
  return inodes;
}
