// One environment on Swarm, as a handle in the shape of the backend-neutral Environment (commands,
// files, terminals, ports, destroy): every call reaches the node's engine of the host's running task
// over mutual TLS, so the caller never holds an engine client or a container id. Where a host runs is
// asked of the manager once and cached; a call that fails on it (or the loss of its node) forgets it.
import type Dockerode from "dockerode";
import { type CommandResult, type RunCommandOptions, runCommand } from "../commands/run-command";
import { asEngineError, callEngine } from "../environments/engine-failures";
import type { EnvironmentSpec } from "../environments/environment";
import { LABEL } from "../environments/labels";
import { ContainerDiedError, EngineUnreachableError, HostNotFoundError } from "../errors";
import { copyFiles, type FileToCopy, writeFile } from "../files/copy-files";
import { type ReadFileOptions, readFile } from "../files/read-file";
import { type ForwardPortOptions, forwardPort } from "../ports/forward-port";
import type { PortForwardStream } from "../ports/port-forward-stream";
import { openTerminal, type TerminalOptions } from "../terminals/open-terminal";
import type { TerminalSession } from "../terminals/terminal-session";
import { hostServiceName } from "./host-service";
import { type HostPlacement, locateHost, type NodeEngines } from "./host-tasks";

export interface SwarmEnvironmentInit {
  id: string;
  spec: EnvironmentSpec;
  createdAt: Date;
  expiresAt: Date;
  manager: Dockerode;
  engines: NodeEngines;
  /** Removes the environment's services and network (the backend's one teardown path). */
  remove: (id: string) => Promise<void>;
}

export class SwarmEnvironment {
  readonly id: string;
  readonly spec: EnvironmentSpec;
  readonly createdAt: Date;
  #expiresAt: Date;
  readonly #init: SwarmEnvironmentInit;
  /** One session per terminal id, reserved on open so that concurrent opens share one shell. */
  readonly #terminals = new Map<string, Promise<TerminalSession>>();
  /** Where each host runs, asked of the manager once (a warm claim then costs no manager round trip). */
  readonly #placements = new Map<string, Promise<HostPlacement>>();
  #destroying: Promise<void> | undefined;

  constructor(init: SwarmEnvironmentInit) {
    this.#init = init;
    this.id = init.id;
    this.spec = init.spec;
    this.createdAt = init.createdAt;
    this.#expiresAt = init.expiresAt;
  }

  get expiresAt(): Date {
    return this.#expiresAt;
  }

  /**
   * Sets the expiry to now + `seconds` on every host's service (a label update: Swarm does not
   * redeploy a task when only the service's own labels change).
   */
  async extend(seconds: number): Promise<Date> {
    const expiresAt = new Date(Date.now() + seconds * 1000);
    await Promise.all(
      this.hosts.map(async (host) => {
        const service = this.#init.manager.getService(hostServiceName(this.id, host));
        const current = (await callEngine(() => service.inspect())) as {
          Version: { Index: number };
          Spec: { Labels?: Record<string, string> };
        };
        await callEngine(() =>
          service.update({
            version: current.Version.Index,
            ...current.Spec,
            Labels: { ...current.Spec.Labels, [LABEL.expiresAt]: expiresAt.toISOString() },
          }),
        );
      }),
    );
    this.#expiresAt = expiresAt;
    return expiresAt;
  }

  get hosts(): string[] {
    return this.spec.hosts.map((host) => host.name);
  }

  /**
   * The node and container that run a host (HostTaskNotRunningError when none does): cached after the
   * first answer; `fresh` asks the manager again.
   */
  locate(host: string, { fresh = false }: { fresh?: boolean } = {}): Promise<HostPlacement> {
    if (!this.spec.hosts.some((candidate) => candidate.name === host)) {
      return Promise.reject(new HostNotFoundError(this.id, host));
    }
    const cached = fresh ? undefined : this.#placements.get(host);
    if (cached) return cached;
    const placement = locateHost(this.#init.manager, this.#init.engines, this.id, host, hostServiceName(this.id, host));
    this.#placements.set(host, placement);
    placement.catch(() => this.#forgetPlacement(host, placement));
    return placement;
  }

  /** Forgets where a host runs (its node was lost, it was restarted): the next call asks the manager. */
  forgetPlacement(host: string): void {
    this.#placements.delete(host);
  }

  #forgetPlacement(host: string, placement: Promise<HostPlacement>): void {
    if (this.#placements.get(host) === placement) this.#placements.delete(host);
  }

  /**
   * Runs `call` on the host's placement; a failure forgets the placement, so a moved or lost host is found
   * again. When the node's engine could not be reached at all, or the container called has stopped, the manager
   * is asked at once: a host lost with its node throws HostTaskNotRunningError (what to tell the learner), one
   * that moved or whose task was replaced is called there.
   */
  async onHost<T>(host: string, call: (placement: HostPlacement) => Promise<T>): Promise<T> {
    const located = this.locate(host);
    const placement = await located;
    try {
      return await call(placement);
    } catch (error) {
      this.#forgetPlacement(host, located);
      // The request never reached the engine, or the container it reached is no longer the host's (its task
      // was replaced: a rewind, a restart): calling the host's current container runs nothing twice there.
      const engineError = asEngineError(error);
      if (!(engineError instanceof EngineUnreachableError) && !(engineError instanceof ContainerDiedError)) throw error;
      const fresh = await this.locate(host, { fresh: true });
      if (fresh.containerId === placement.containerId && fresh.nodeId === placement.nodeId) throw error;
      return call(fresh);
    }
  }

  readonly commands = {
    run: (host: string, options: RunCommandOptions): Promise<CommandResult> =>
      this.onHost(host, (placement) => runCommand(placement.docker, placement.containerId, options)),
  };

  readonly files = {
    read: (host: string, path: string, options?: ReadFileOptions): Promise<Buffer> =>
      this.onHost(host, (placement) => readFile(placement.docker, placement.containerId, path, options)),
    write: (host: string, path: string, content: Buffer | string, options?: { mode?: number }) =>
      this.onHost(host, (placement) => writeFile(placement.docker, placement.containerId, path, content, options)),
    copy: (host: string, files: FileToCopy[]) =>
      this.onHost(host, (placement) => copyFiles(placement.docker, placement.containerId, files)),
  };

  readonly terminals = {
    /** The running session of terminal `terminalId`, else a new one on `host`; destroy() ends it. */
    open: (host: string, terminalId: string, options: TerminalOptions): Promise<TerminalSession> => {
      const running = this.#terminals.get(terminalId);
      if (running) return running;
      const opening = this.onHost(host, (placement) => openTerminal(placement.docker, placement.containerId, options));
      this.#terminals.set(terminalId, opening);
      opening.then(
        (session) => void session.exited.then(() => this.#forget(terminalId, opening)),
        () => this.#forget(terminalId, opening),
      );
      return opening;
    },
    /** The running session of this terminal, if any. */
    find: (terminalId: string): Promise<TerminalSession | undefined> =>
      this.#terminals.get(terminalId) ?? Promise.resolve(undefined),
    /** Whether this terminal is open or opening. */
    has: (terminalId: string): boolean => this.#terminals.has(terminalId),
  };

  readonly ports = {
    forward: (host: string, port: number, options?: ForwardPortOptions): Promise<PortForwardStream> =>
      this.onHost(host, (placement) => forwardPort(placement.docker, placement.containerId, port, options)),
  };

  #forget(terminalId: string, opening: Promise<TerminalSession>): void {
    if (this.#terminals.get(terminalId) === opening) this.#terminals.delete(terminalId);
  }

  /** Ends its terminals, then removes its services and network; calling it again waits for the first call. */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      await Promise.allSettled([...this.#terminals.values()].map(async (opening) => (await opening).dispose()));
      await this.#init.remove(this.id);
    })();
    return this.#destroying;
  }
}
