// The one owner of an environment's terminal sessions, by terminal id: a reconnecting client finds the
// same shell (and its scrollback), concurrent first opens share one, and all end when the environment goes.
// A warm environment's host may hold one primed session (opened ahead, its prompt in the scrollback): the
// first terminal opened on that host with the same command takes it over instead of starting a shell.
import type { TerminalSession } from "./terminal-session";

/** How a terminal open may take over a primed session. */
export interface PrimedTakeover {
  /** The command and environment the open asks for; only a primed session started with the same one is taken. */
  signature: string;
  /** Makes the primed session the terminal's (size, recording, grace period) before it is handed out. */
  take(session: TerminalSession): Promise<void>;
}

interface Primed {
  signature: string;
  opening: Promise<TerminalSession | undefined>;
}

export class EnvironmentTerminals {
  readonly #sessions = new Map<string, { host: string; opening: Promise<TerminalSession> }>();
  /** At most one primed session per host, not yet any terminal's. */
  readonly #primed = new Map<string, Primed>();
  #ended = false;

  /** The running session of this terminal, if one is open (or opening). */
  async find(terminalId: string): Promise<TerminalSession | undefined> {
    const session = await this.#sessions.get(terminalId)?.opening.catch(() => undefined);
    return session && session.stats().state === "running" ? session : undefined;
  }

  /** Whether a session is open or opening (a new socket then need not wait for a first size). */
  has(terminalId: string): boolean {
    return this.#sessions.has(terminalId);
  }

  /**
   * Opens a session on `host` ahead of any terminal (a no-op when the host already has one primed). It is
   * given up (and its shell ended) when it is not running within `deadlineMs`; `end` ends it like the others.
   * Resolves once it runs (true) or was given up (false).
   */
  async prime(
    host: string,
    signature: string,
    open: () => Promise<TerminalSession>,
    { deadlineMs }: { deadlineMs: number },
  ): Promise<boolean> {
    if (this.#ended) return false;
    const existing = this.#primed.get(host);
    if (existing) return (await existing.opening) !== undefined;
    const started = open();
    const opening = new Promise<TerminalSession | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), deadlineMs);
      started.then(
        (session) => {
          clearTimeout(timer);
          resolve(session);
        },
        () => {
          clearTimeout(timer);
          resolve(undefined);
        },
      );
    });
    const entry: Primed = { signature, opening };
    this.#primed.set(host, entry);
    const forget = () => {
      if (this.#primed.get(host) === entry) this.#primed.delete(host);
    };
    void opening.then((session) => {
      if (!session) {
        forget();
        // Past its deadline: a session that still opens later is nobody's, so it ends at once.
        void started.then(
          (late) => late.dispose(),
          () => undefined,
        );
        return;
      }
      // A primed shell that dies before anyone takes it is never handed out.
      void session.exited.then(forget);
    });
    return (await opening) !== undefined;
  }

  /** Hosts with a primed session not yet taken over (open or opening). */
  primedHosts(): string[] {
    return [...this.#primed.keys()];
  }

  /**
   * The running session of this terminal, else a primed one of `host` taken over (when `takeover` matches
   * its signature), else the one `open` starts; the session is then owned here.
   */
  async openOnce(
    terminalId: string,
    host: string,
    open: () => Promise<TerminalSession>,
    takeover?: PrimedTakeover,
  ): Promise<TerminalSession> {
    for (let current = this.#sessions.get(terminalId); current; current = this.#sessions.get(terminalId)) {
      const session = await current.opening.catch(() => undefined);
      if (session && session.stats().state === "running") return session;
      if (this.#sessions.get(terminalId) === current) this.#sessions.delete(terminalId);
    }
    // No await between the check above and this: concurrent first opens share this entry, and a primed
    // session leaves #primed here, so it becomes exactly one terminal's.
    const primed = takeover ? this.#takePrimed(host, takeover.signature) : undefined;
    const entry = {
      host,
      opening: primed && takeover ? this.#takeOver(primed, takeover, open) : open(),
    };
    this.#sessions.set(terminalId, entry);
    const forget = () => {
      if (this.#sessions.get(terminalId) === entry) this.#sessions.delete(terminalId);
    };
    entry.opening.then((session) => void session.exited.then(forget), forget);
    return entry.opening;
  }

  /** The running (or opening) sessions, with the host each runs on; primed ones have no terminal id yet. */
  list(): { terminalId: string | undefined; host: string }[] {
    return [
      ...[...this.#sessions].map(([terminalId, { host }]) => ({ terminalId, host })),
      ...[...this.#primed.keys()].map((host) => ({ terminalId: undefined, host })),
    ];
  }

  /**
   * Ends the sessions (their shells too) on one host, or on every host; clients get an exit. Ending every
   * host is final: nothing is primed afterwards.
   */
  async end(host?: string): Promise<void> {
    if (host === undefined) this.#ended = true;
    const ending = [...this.#sessions.values()].filter((entry) => host === undefined || entry.host === host);
    const primed = [...this.#primed].filter(([primedHost]) => host === undefined || primedHost === host);
    for (const [primedHost] of primed) this.#primed.delete(primedHost);
    await Promise.all([
      ...ending.map(async ({ opening }) => (await opening.catch(() => undefined))?.dispose()),
      ...primed.map(async ([, { opening }]) => (await opening)?.dispose()),
    ]);
  }

  #takePrimed(host: string, signature: string): Primed | undefined {
    const primed = this.#primed.get(host);
    if (!primed || primed.signature !== signature) return undefined;
    this.#primed.delete(host);
    return primed;
  }

  async #takeOver(
    primed: Primed,
    takeover: PrimedTakeover,
    open: () => Promise<TerminalSession>,
  ): Promise<TerminalSession> {
    const session = await primed.opening;
    if (session?.stats().state !== "running") return open();
    try {
      await takeover.take(session);
      return session;
    } catch {
      // It could not be made the terminal's (it ended meanwhile, its resize failed): a fresh shell instead.
      await session.dispose();
      return open();
    }
  }
}
