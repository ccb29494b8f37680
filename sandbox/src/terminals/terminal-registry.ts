// The open terminals of this process by id, so a reconnecting client (holding the id as its
// token) finds its session again; sessions leave the registry when they end.
import type Dockerode from "dockerode";
import { TerminalNotFoundError } from "../errors";
import { openTerminal, type TerminalOptions } from "./open-terminal";
import type { TerminalSession } from "./terminal-session";

export class TerminalRegistry {
  readonly #docker: Dockerode;
  readonly #defaults: Partial<TerminalOptions>;
  readonly #sessions = new Map<string, TerminalSession>();

  /** `defaults` apply to every `open` (e.g. a logger, graceMs); per-call options win. */
  constructor(docker: Dockerode, defaults: Partial<TerminalOptions> = {}) {
    this.#docker = docker;
    this.#defaults = defaults;
  }

  async open(containerId: string, options: TerminalOptions): Promise<TerminalSession> {
    const session = await openTerminal(this.#docker, containerId, { ...this.#defaults, ...options });
    this.#sessions.set(session.id, session);
    void session.exited.then(() => this.#sessions.delete(session.id));
    return session;
  }

  /** The running session with this id; throws TerminalNotFoundError when it ended or never existed. */
  get(id: string): TerminalSession {
    const session = this.#sessions.get(id);
    if (!session) throw new TerminalNotFoundError(id);
    return session;
  }

  /** The running sessions in one container (e.g. to end them when its environment is destroyed). */
  listByContainer(containerId: string): TerminalSession[] {
    return [...this.#sessions.values()].filter((session) => session.containerId === containerId);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Ends every session (and its shell). */
  async dispose(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.dispose()));
  }
}
