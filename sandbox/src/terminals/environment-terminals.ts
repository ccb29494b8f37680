// The one owner of an environment's terminal sessions, by terminal id: a reconnecting client finds the
// same shell (and its scrollback), concurrent first opens share one, and all end when the environment goes.
import type { TerminalSession } from "./terminal-session";

export class EnvironmentTerminals {
  readonly #sessions = new Map<string, { host: string; opening: Promise<TerminalSession> }>();

  /** The running session of this terminal, if one is open (or opening). */
  async find(terminalId: string): Promise<TerminalSession | undefined> {
    const session = await this.#sessions.get(terminalId)?.opening.catch(() => undefined);
    return session && session.stats().state === "running" ? session : undefined;
  }

  /** Whether a session is open or opening (a new socket then need not wait for a first size). */
  has(terminalId: string): boolean {
    return this.#sessions.has(terminalId);
  }

  /** The running session of this terminal, else the one `open` starts (which is then owned here). */
  async openOnce(terminalId: string, host: string, open: () => Promise<TerminalSession>): Promise<TerminalSession> {
    for (let current = this.#sessions.get(terminalId); current; current = this.#sessions.get(terminalId)) {
      const session = await current.opening.catch(() => undefined);
      if (session && session.stats().state === "running") return session;
      if (this.#sessions.get(terminalId) === current) this.#sessions.delete(terminalId);
    }
    // No await between the check above and this: concurrent first opens share this entry.
    const entry = { host, opening: open() };
    this.#sessions.set(terminalId, entry);
    const forget = () => {
      if (this.#sessions.get(terminalId) === entry) this.#sessions.delete(terminalId);
    };
    entry.opening.then((session) => void session.exited.then(forget), forget);
    return entry.opening;
  }

  /** The running (or opening) sessions, with the host each runs on. */
  list(): { terminalId: string; host: string }[] {
    return [...this.#sessions].map(([terminalId, { host }]) => ({ terminalId, host }));
  }

  /** Ends the sessions (their shells too) on one host, or on every host; clients get an exit. */
  async end(host?: string): Promise<void> {
    const ending = [...this.#sessions.values()].filter((entry) => host === undefined || entry.host === host);
    await Promise.all(ending.map(async ({ opening }) => (await opening.catch(() => undefined))?.dispose()));
  }
}
