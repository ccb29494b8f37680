// Terminal pipes: the runtime-owned folders through which a local engine's sandboxes get their terminals
// without the engine relaying a byte. Each host's container has its own folder of this machine bind-mounted
// read-only at PIPES_TARGET; a terminal is three FIFOs in it (keystrokes in, output out, resizes), opened by
// the server here and by `script` (which makes the PTY) inside the sandbox. The engine only starts the
// process. The folder of an environment is made before its containers and removed with them.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type Dockerode from "dockerode";
import type { Logger } from "pino";

const run = promisify(execFile);

/** Where a host's pipe folder appears inside its sandbox. */
export const PIPES_TARGET = "/run/circus-terminals";

/** An environment folder older than this with no container of that environment on the engine is a leftover. */
const LEFTOVER_AGE_MS = 10 * 60_000;
const MKFIFO_DEADLINE_MS = 5_000;
/** Environment ids and host names are safe path parts; anything else is refused rather than joined. */
const SAFE_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** One terminal's FIFOs: where the server opens them, and where the sandbox sees them. */
export interface TerminalPipeSet {
  /** Paths on this machine. */
  input: string;
  output: string;
  control: string;
  /** The same FIFOs inside the sandbox. */
  inside: { input: string; output: string; control: string };
  /** Unlinks the three FIFOs at once (idempotent; synchronous, for a transport's destroy). */
  remove(): void;
}

/** A host's pipe folder as a terminal open sees it. */
export interface HostTerminalPipes {
  /** Makes a terminal's FIFOs; undefined when the folder is gone (the environment was made by another machine). */
  create(): Promise<TerminalPipeSet | undefined>;
  /**
   * Tells that this host's sandbox cannot use pipes (no `script` in its image): later opens go to the engine.
   * `unreachable`: no sandbox sees this machine's folder, so no terminal of this runtime uses pipes any more.
   */
  markUnusable(containerId: string, why: string, unreachable?: boolean): void;
  /** Whether a terminal on `containerId` should try pipes. */
  usable(containerId: string): boolean;
}

export class TerminalPipes {
  readonly root: string;
  readonly #logger: Logger;
  /** Containers whose image cannot run a pipe terminal; bounded by the live containers (dropped on removal). */
  readonly #unusable = new Map<string, string>();
  #unreachable = false;

  private constructor(root: string, logger: Logger) {
    this.root = root;
    this.#logger = logger;
  }

  /**
   * The pipes under `root` (made 0700 if missing), or undefined when they cannot work here: an engine
   * reached over TCP runs on another machine, and a root that cannot be made or has no `mkfifo` is logged.
   */
  static async open(options: { root: string; docker: Dockerode; logger: Logger }): Promise<TerminalPipes | undefined> {
    const { root, docker, logger } = options;
    const modem = docker.modem as { socketPath?: unknown; host?: unknown };
    if (modem.socketPath === undefined || modem.host !== undefined) {
      logger.info("terminals go through the engine: it is not on this machine's socket");
      return undefined;
    }
    try {
      await mkdir(root, { recursive: true, mode: 0o700 });
      const probe = join(root, `.probe-${randomBytes(6).toString("hex")}`);
      await run("mkfifo", ["-m", "600", probe], { timeout: MKFIFO_DEADLINE_MS });
      await rm(probe, { force: true });
    } catch (error) {
      logger.warn({ err: error, root }, "terminals go through the engine: could not make FIFOs in the pipes folder");
      return undefined;
    }
    return new TerminalPipes(root, logger);
  }

  /** The folder of one host (on this machine). */
  hostFolder(environmentId: string, hostName: string): string {
    return join(this.#environmentFolder(environmentId), safePart(hostName));
  }

  /** Makes the host's folder (0711: the sandbox's root, without DAC override, may only open the FIFOs) and returns its bind. */
  async prepareHost(environmentId: string, hostName: string): Promise<string> {
    const folder = this.hostFolder(environmentId, hostName);
    await mkdir(folder, { recursive: true, mode: 0o711 });
    return `${folder}:${PIPES_TARGET}:ro`;
  }

  /** The pipes of one host for its terminal opens. */
  host(environmentId: string, hostName: string): HostTerminalPipes {
    const folder = this.hostFolder(environmentId, hostName);
    return {
      create: () => this.#createSet(folder),
      markUnusable: (containerId, why, unreachable = false) => {
        if (unreachable && !this.#unreachable) {
          this.#unreachable = true;
          this.#logger.warn(
            { containerId, why, root: this.root },
            "sandboxes do not see the terminal pipes folder (is this server in a container?): terminals go " +
              "through the engine; mount the folder at the same path, or set CIRCUS_SANDBOX_TERMINAL_PIPES=off",
          );
        } else if (!this.#unusable.has(containerId)) {
          this.#logger.warn({ containerId, why }, "this host's terminals go through the engine");
        }
        this.#unusable.set(containerId, why);
      },
      usable: (containerId) => !this.#unreachable && !this.#unusable.has(containerId),
    };
  }

  /** Removes an environment's folders (after its containers are gone); idempotent. */
  async removeEnvironment(environmentId: string, containerIds: readonly string[] = []): Promise<void> {
    for (const containerId of containerIds) this.#unusable.delete(containerId);
    await rm(this.#environmentFolder(environmentId), { recursive: true, force: true });
  }

  /**
   * Removes folders of environments the engine no longer has (any scope: runtimes of other scopes share the
   * root), once they are older than a create could take, so a folder made just before its containers stays.
   */
  async removeLeftovers(docker: Dockerode, environmentLabel: string): Promise<number> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    if (entries.length === 0) return 0;
    const containers = await docker.listContainers({ all: true, filters: { label: [environmentLabel] } });
    const live = new Set(containers.map((container) => container.Labels[environmentLabel]));
    let removed = 0;
    for (const entry of entries) {
      if (live.has(entry) || !SAFE_PART.test(entry)) continue;
      const folder = join(this.root, entry);
      const info = await stat(folder).catch(() => undefined);
      if (!info?.isDirectory() || Date.now() - info.mtimeMs < LEFTOVER_AGE_MS) continue;
      await rm(folder, { recursive: true, force: true });
      removed += 1;
    }
    if (removed > 0) this.#logger.info({ removed }, "removed leftover terminal pipe folders");
    return removed;
  }

  #environmentFolder(environmentId: string): string {
    return join(this.root, safePart(environmentId));
  }

  async #createSet(folder: string): Promise<TerminalPipeSet | undefined> {
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) return undefined;
    const name = randomBytes(9).toString("hex");
    const paths = { input: `${name}.in`, output: `${name}.out`, control: `${name}.ctl` };
    const onHost = {
      input: join(folder, paths.input),
      output: join(folder, paths.output),
      control: join(folder, paths.control),
    };
    // 0666: container root maps to an unprivileged uid of this machine; the folder is reachable only through
    // the sandbox's own bind (the root above it is 0700).
    await run("mkfifo", ["-m", "666", onHost.input, onHost.output, onHost.control], { timeout: MKFIFO_DEADLINE_MS });
    return {
      ...onHost,
      inside: {
        input: `${PIPES_TARGET}/${paths.input}`,
        output: `${PIPES_TARGET}/${paths.output}`,
        control: `${PIPES_TARGET}/${paths.control}`,
      },
      remove: () => {
        for (const path of Object.values(onHost)) rmSync(path, { force: true });
      },
    };
  }
}

function safePart(part: string): string {
  if (!SAFE_PART.test(part)) throw new Error(`not a safe folder name for terminal pipes: ${JSON.stringify(part)}`);
  return part;
}
