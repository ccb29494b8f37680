// Makes sure a Docker engine answers: uses a running one, else starts dockerd (installing
// docker.io first when it is missing) as root, detached, logging to .circus/dockerd.log. An engine
// Circus sets up gets user-namespace remapping (engine-setup.ts); a running engine Circus owns is
// switched to it; every run as root installs the host firewall for sandbox bridges.
import { spawn } from "node:child_process";
import { type FileHandle, mkdir, open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { EngineStartFailedError, EngineUnreachableError } from "../errors";
import { DEFAULT_STATE_DIR } from "./config";
import { pingEngine, resolveEngineEndpoint } from "./connect-engine";
import {
  DEFAULT_ENGINE_SETUP_FILES,
  daemonConfigAbsent,
  type EngineSetupFiles,
  engineRemapsUsers,
  ownsEngine,
  switchEngineToCircusSettings,
  writeCircusEngineSettings,
} from "./engine-setup";
import { installHostFirewall } from "./host-firewall";
import { ensureHostTool, findExecutable, type HostSetupEvent, isRoot } from "./host-packages";

export type EngineProgressEvent = HostSetupEvent | { type: "ready"; endpoint: string; how: EnsuredEngine["how"] };

export interface EnsureEngineOptions {
  /** Same as connectEngine's; an engine elsewhere than the default socket is only ever used, never started. */
  dockerHost?: string;
  /** Install docker.io with apt-get when dockerd is missing (root only). Default: true. */
  allowInstall?: boolean;
  onProgress?: (event: EngineProgressEvent) => void;
  /** How long a started dockerd may take to answer. Default: 60 000 ms. */
  startTimeoutMs?: number;
  /** Where dockerd.log and dockerd.pid go. Default: `.circus/` at the repository's root. */
  stateDir?: string;
  /**
   * Apply Circus's engine settings (user-namespace remapping): when starting dockerd with no daemon.json
   * or one Circus wrote, and by switching a running engine that carries Circus's marker. Default: true.
   */
  configure?: boolean;
  /** Mark the running engine as Circus's own first (the operator hands it over), then configure it. Default: false. */
  adopt?: boolean;
  /** daemon.json and the ownership marker. Default: /etc/docker/daemon.json, /etc/docker/circus-engine.json. */
  files?: EngineSetupFiles;
  /** Install the host firewall that keeps sandbox bridges off this machine (root only). Default: true. */
  hostFirewall?: boolean;
  /** Only say what would be done to a running engine (switch, firewall); change nothing. Default: false. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface EnsuredEngine {
  docker: Dockerode;
  /** The socket path or host:port. */
  endpoint: string;
  how: "already-running" | "started" | "installed-and-started" | "switched-to-remapping";
  /** Set when this call started dockerd. It keeps running after this process exits, like any system daemon. */
  dockerdPid?: number;
}

const DOCKERD_PID_FILE = "/var/run/docker.pid";

export async function ensureEngine(options: EnsureEngineOptions = {}): Promise<EnsuredEngine> {
  const report = options.onProgress ?? (() => {});
  const endpoint = resolveEngineEndpoint(options.dockerHost);
  const docker = new Dockerode(endpoint.dockerodeOptions);
  const ready = (how: EnsuredEngine["how"], dockerdPid?: number): EnsuredEngine => {
    report({ type: "ready", endpoint: endpoint.description, how });
    return { docker, endpoint: endpoint.description, how, ...(dockerdPid === undefined ? {} : { dockerdPid }) };
  };

  const files = options.files ?? DEFAULT_ENGINE_SETUP_FILES;
  const configure = options.configure !== false;
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const logFile = join(stateDir, "dockerd.log");
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const secure = async () => {
    if (options.hostFirewall === false || !isRoot() || !endpoint.isDefaultSocket) return;
    if (options.dryRun) {
      report({
        type: "step",
        message: "dry run: would install the host firewall (nftables tables circus_sandbox_guard)",
      });
      return;
    }
    try {
      await ensureHostTool("nft", "nftables", {
        allowInstall: options.allowInstall,
        onProgress: report,
        signal: options.signal,
      });
      await installHostFirewall();
      report({
        type: "step",
        message: "host firewall: traffic from sandbox bridges (circus*) to this machine is dropped",
      });
    } catch (error) {
      // Not fatal: the engine works without it, and the protection report (start-up log, /readyz) says it is missing.
      options.signal?.throwIfAborted();
      report({
        type: "step",
        message: `could not install the host firewall: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      });
    }
  };

  let answering = false;
  try {
    await pingEngine(docker, endpoint.description, 3000);
    answering = true;
  } catch (error) {
    if (!(error instanceof EngineUnreachableError) || !endpoint.isDefaultSocket) throw error;
    report({ type: "step", message: `the engine at ${endpoint.description} does not answer (${error.message})` });
  }
  if (answering) {
    const switched = configure && (await switchOwnedEngine());
    await secure();
    return ready(switched ? "switched-to-remapping" : "already-running");
  }
  if (!isRoot() || options.dryRun) {
    throw new EngineUnreachableError(
      `nothing answers at ${endpoint.description}, and uid ${process.getuid?.()} cannot start dockerd`,
    );
  }

  const runningPid = await livePidFrom(DOCKERD_PID_FILE);
  if (runningPid !== undefined) {
    // A dockerd is still starting (or hung): starting a second one would only fight over the socket.
    report({ type: "step", message: `waiting for the dockerd already running (pid ${runningPid})` });
    await waitUntilAnswering(docker, endpoint.description, {
      timeoutMs: startTimeoutMs,
      logFile,
      signal: options.signal,
    });
    await secure();
    return ready("already-running");
  }

  const wasInstalled = (await findExecutable("dockerd")) !== undefined;
  const dockerd = await ensureHostTool("dockerd", "docker.io", {
    allowInstall: options.allowInstall,
    onProgress: report,
    signal: options.signal,
  });
  // Circus sets this engine up: its settings go in, unless an operator's own daemon.json is there.
  if (configure && ((await ownsEngine(files)) || (await daemonConfigAbsent(files)))) {
    report({ type: "step", message: `enabling user-namespace remapping in ${files.daemonConfigFile}` });
    await writeCircusEngineSettings(files);
  }
  const pid = await startDockerd(dockerd);
  await secure();
  return ready(wasInstalled ? "started" : "installed-and-started", pid);

  /** Starts dockerd detached and waits until it answers; its pid. */
  async function startDockerd(dockerdPath: string): Promise<number | undefined> {
    await mkdir(stateDir, { recursive: true });
    report({ type: "step", message: `starting ${dockerdPath} (log: ${logFile})` });
    const log = await open(logFile, "a");
    let exited: string | undefined;
    let pid: number | undefined;
    try {
      const child = spawn(dockerdPath, [], { detached: true, stdio: ["ignore", log.fd, log.fd] });
      child.on("exit", (code, signal) => {
        exited = `dockerd exited with ${signal ?? `code ${code}`}`;
      });
      child.on("error", (error) => {
        exited = `dockerd could not start: ${error.message}`;
      });
      child.unref();
      pid = child.pid;
    } finally {
      await log.close();
    }
    if (pid !== undefined) await writeFile(join(stateDir, "dockerd.pid"), `${pid}\n`);
    await waitUntilAnswering(docker, endpoint.description, {
      timeoutMs: startTimeoutMs,
      logFile,
      signal: options.signal,
      exited: () => exited,
    });
    return pid;
  }

  /** Switches a running engine to remapping when Circus owns it (or is told to adopt it); true when it did. */
  async function switchOwnedEngine(): Promise<boolean> {
    if (!isRoot() || !endpoint.isDefaultSocket || (await engineRemapsUsers(docker))) return false;
    const pid = await livePidFrom(DOCKERD_PID_FILE);
    if (!options.adopt && !(await ownsEngine(files, pid))) {
      report({
        type: "step",
        message: `the engine runs without user-namespace remapping and was not set up by Circus (no ${files.markerFile}): its configuration is left alone; \`npx tsx scripts/ensure-engine.ts --adopt-engine\` hands it to Circus`,
      });
      return false;
    }
    if (pid === undefined) {
      throw new EngineStartFailedError(
        `cannot switch the engine to user-namespace remapping: no live dockerd in ${DOCKERD_PID_FILE}`,
        logFile,
        [],
      );
    }
    const dockerdPath = (await findExecutable("dockerd")) ?? "dockerd";
    if (options.dryRun) {
      const images = ((await docker.listImages()) as { RepoTags?: string[] }[])
        .flatMap((image) => image.RepoTags ?? [])
        .filter((tag) => tag.startsWith("circus/"));
      report({
        type: "step",
        message: `dry run: Circus owns this engine (pid ${pid}${options.adopt ? ", adopted" : ""}); it would save ${images.length} circus images, write ${files.daemonConfigFile} and ${files.markerFile}, restart ${dockerdPath} with user-namespace remapping (its containers stop) and load the images again`,
      });
      return false;
    }
    await switchEngineToCircusSettings({
      docker,
      files,
      pid,
      stateDir,
      start: async () => {
        await startDockerd(dockerdPath);
      },
      report: (message) => report({ type: "step", message }),
    });
    return true;
  }
}

async function waitUntilAnswering(
  docker: Dockerode,
  description: string,
  options: { timeoutMs: number; logFile: string; signal?: AbortSignal; exited?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      await pingEngine(docker, description, 2000);
      return;
    } catch (error) {
      if (!(error instanceof EngineUnreachableError)) throw error;
    }
    const exited = options.exited?.();
    if (exited) throw new EngineStartFailedError(exited, options.logFile, await tailOf(options.logFile));
    if (Date.now() > deadline) {
      throw new EngineStartFailedError(
        `no answer at ${description} within ${options.timeoutMs} ms`,
        options.logFile,
        await tailOf(options.logFile),
      );
    }
    await sleep(250, undefined, { signal: options.signal });
  }
}

/** The pid in a dockerd pid file when that process is a live dockerd. */
export async function livePidFrom(pidFile: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(pidFile, "utf8"), 10);
  } catch {
    return undefined; // no pid file: no dockerd
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // A stale pid file (dockerd died with its machine session) may name a pid that now belongs to
    // another program: only a live dockerd counts.
    const name = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    return name === "dockerd" ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function tailOf(file: string, lines = 20): Promise<string[]> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, "r");
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines);
  } catch {
    return []; // no log yet: the error says what else is known
  } finally {
    await handle?.close();
  }
}
