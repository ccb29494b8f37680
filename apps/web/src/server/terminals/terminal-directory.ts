// The learners' terminal sessions by (environment, terminal id), over the shared TerminalRegistry, so
// a reconnecting socket finds the same shell (and its scrollback) and concurrent first opens share one.
import type { TerminalRecorder, TerminalRegistry, TerminalSession } from "@circus/sandbox";

export interface OpenTerminalRequest {
  environmentId: string;
  terminalId: string;
  containerId: string;
  /** The scenario's command for this terminal; default a login shell. */
  command?: string[];
  cols: number;
  rows: number;
  /** Makes the recorder of a shell this request opens (not called when it joins a running one). */
  record?: (size: { cols: number; rows: number }) => TerminalRecorder | undefined;
}

export class TerminalDirectory {
  readonly #registry: TerminalRegistry;
  readonly #sessions = new Map<string, Promise<TerminalSession>>();

  constructor(registry: TerminalRegistry) {
    this.#registry = registry;
  }

  /** The running session, if one is open (or opening) for this terminal. */
  async find(environmentId: string, terminalId: string): Promise<TerminalSession | undefined> {
    const session = await this.#sessions.get(keyOf(environmentId, terminalId))?.catch(() => undefined);
    return session && session.stats().state === "running" ? session : undefined;
  }

  /** Whether a session is open or opening (a new socket then need not wait for a first size). */
  has(environmentId: string, terminalId: string): boolean {
    return this.#sessions.has(keyOf(environmentId, terminalId));
  }

  /** The running session of this terminal, opened (with the given size) when there is none. */
  async open(request: OpenTerminalRequest): Promise<TerminalSession> {
    const key = keyOf(request.environmentId, request.terminalId);
    const existing = await this.#sessions.get(key)?.catch(() => undefined);
    if (existing && existing.stats().state === "running") return existing;
    const recorder = request.record?.({ cols: request.cols, rows: request.rows });
    const opening = this.#registry
      .open(request.containerId, {
        cols: request.cols,
        rows: request.rows,
        ...(request.command ? { command: request.command } : {}),
        env: { TERM: "xterm-256color" },
        ...(recorder ? { recorder } : {}),
      })
      .catch(async (error: unknown) => {
        await recorder?.close();
        throw error;
      });
    this.#sessions.set(key, opening);
    opening.then(
      (session) => {
        void session.exited.then(() => {
          if (this.#sessions.get(key) === opening) this.#sessions.delete(key);
        });
      },
      () => {
        if (this.#sessions.get(key) === opening) this.#sessions.delete(key);
      },
    );
    return opening;
  }

  /** Ends every session of the environment (its shells too); clients get an exit. */
  async disposeEnvironment(environmentId: string): Promise<void> {
    const prefix = keyOf(environmentId, "");
    const sessions = [...this.#sessions].filter(([key]) => key.startsWith(prefix)).map(([, session]) => session);
    await Promise.all(sessions.map(async (opening) => (await opening.catch(() => undefined))?.dispose()));
  }

  /** The environments that have sessions (to notice those that went away). */
  environmentIds(): string[] {
    return [...new Set([...this.#sessions.keys()].map((key) => key.slice(0, key.indexOf("\n"))))];
  }
}

function keyOf(environmentId: string, terminalId: string): string {
  return `${environmentId}\n${terminalId}`;
}
