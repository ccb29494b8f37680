// The Environment handle of every backend (one engine, Swarm): each call first asks the backend whether the
// host still runs, then reaches the engine and container that run it now through the backend (the local
// engine, or the Swarm node's engine over mutual TLS) and drives it through the Engine API.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import type { EnvironmentCommandHelpers } from "../commands/environment-command-helpers";
import { runCommand } from "../commands/run-command";
import { EnvironmentNotFoundError } from "../errors";
import { copyFiles } from "../files/copy-files";
import { readFile } from "../files/read-file";
import { forwardPort } from "../ports/forward-port";
import { createForwardingAgent } from "../ports/port-proxy-agent";
import type { EnvironmentTerminals } from "../terminals/environment-terminals";
import { openTerminal, type TerminalOptions, terminalOptionsSchema } from "../terminals/open-terminal";
import type { HostTerminalPipes } from "../terminals/terminal-pipes";
import type { TerminalSession } from "../terminals/terminal-session";
import { type Environment, snapshotEnvironment } from "./environment";
import type { EnvironmentHandle, HostState } from "./environment-handle";

/** What the handle needs of the runtime that made it (all by environment id, so it never goes stale). */
export interface HandleBackend {
  id: string;
  logger: Logger;
  terminalDefaults: Partial<TerminalOptions>;
  /** The environment's one owner of terminal sessions. */
  terminals: EnvironmentTerminals;
  /** The environment's one owner of its hosts' command helpers. */
  commandHelpers: EnvironmentCommandHelpers;
  /** Throws EnvironmentNotFoundError, HostNotFoundError, or the reason the host does not run. */
  assertRunning(host: string): void;
  /** Calls `call` with the engine and container that run `host` now (after `assertRunning`). */
  onHost<T>(host: string, call: (docker: Dockerode, containerId: string) => Promise<T>): Promise<T>;
  /** The host's terminal pipes, when its runtime has them (a local engine); else terminals go through the engine. */
  terminalPipes?: ((host: string) => HostTerminalPipes | undefined) | undefined;
  info(): Environment;
  hostStates(): HostState[];
  touch(): void;
  extend(seconds: number): Environment;
  restartHost(host: string): Promise<Environment>;
  destroy(): Promise<void>;
}

/** The runtime's calls by environment id that a handle passes on (both runtimes have them). */
export interface RuntimeCalls {
  hostStates(id: string): HostState[];
  touch(id: string): void;
  extend(id: string, seconds: number): Environment;
  restartHost(id: string, host: string): Promise<Environment>;
  destroy(id: string): Promise<void>;
}

/** What a runtime gives to make the handle of one of its environments. */
export interface RecordBackendOptions
  extends Pick<HandleBackend, "id" | "logger" | "terminalDefaults" | "onHost" | "terminalPipes"> {
  /** The runtime's record of the environment when the handle is made. */
  record: { environment: Environment; terminals: EnvironmentTerminals; commandHelpers: EnvironmentCommandHelpers };
  /** The runtime's record of `id` now. */
  current(): unknown;
  /** Throws the reason `host` does not run (the record is known to be current). */
  assertHostRuns(host: string): void;
  runtime: RuntimeCalls;
}

/**
 * The handle's backend over a runtime's record: every call first checks that the runtime still holds the
 * same record, not merely the same id, so a handle outlives neither a destroy nor a re-adoption.
 */
export function recordBackend(options: RecordBackendOptions): HandleBackend {
  const { id, record, runtime } = options;
  const live = () => {
    if (options.current() !== record) throw new EnvironmentNotFoundError(id);
    return record;
  };
  return {
    id,
    logger: options.logger,
    terminalDefaults: options.terminalDefaults,
    terminals: record.terminals,
    commandHelpers: record.commandHelpers,
    assertRunning: (host) => {
      live();
      options.assertHostRuns(host);
    },
    onHost: options.onHost,
    terminalPipes: options.terminalPipes,
    info: () => snapshotEnvironment(live().environment),
    hostStates: () => {
      live();
      return runtime.hostStates(id);
    },
    touch: () => {
      live();
      runtime.touch(id);
    },
    extend: (seconds) => {
      live();
      return runtime.extend(id, seconds);
    },
    restartHost: async (host) => {
      live();
      return runtime.restartHost(id, host);
    },
    destroy: () => runtime.destroy(id),
  };
}

/** A primed shell waits for its terminal as long as its environment lives (the longest timer Node allows). */
const PRIMED_HOLD_MS = 2_147_483_647;
/** How long priming may take before the primed session is given up. */
const DEFAULT_PRIME_DEADLINE_MS = 15_000;

/** What makes two terminals' shells interchangeable: the same command and environment. */
function shellSignature(options: Pick<TerminalOptions, "command" | "env">): string {
  const command = options.command ?? terminalOptionsSchema.shape.command.parse(undefined);
  const env = Object.entries(options.env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([command, env]);
}

export function environmentHandle(backend: HandleBackend): EnvironmentHandle {
  const on = <T>(host: string, call: (docker: Dockerode, containerId: string) => Promise<T>): Promise<T> => {
    backend.assertRunning(host);
    return backend.onHost(host, call);
  };
  return {
    id: backend.id,
    info: () => backend.info(),
    hostStates: () => backend.hostStates(),
    commands: {
      async run(host, options) {
        backend.assertRunning(host);
        backend.touch();
        return on(host, (docker, containerId) =>
          runCommand(docker, containerId, options, backend.commandHelpers.source(host, docker, containerId)),
        );
      },
    },
    files: {
      read: async (host, path, options) =>
        on(host, (docker, id) => readFile(docker, id, path, options, backend.commandHelpers.source(host, docker, id))),
      write: async (host, path, content, options = {}) =>
        on(host, (docker, id) =>
          copyFiles(docker, id, [{ path, content, ...options }], backend.commandHelpers.source(host, docker, id)),
        ),
      copy: async (host, files) =>
        on(host, (docker, id) => copyFiles(docker, id, files, backend.commandHelpers.source(host, docker, id))),
    },
    ports: {
      forward: async (host, port, options) => on(host, (docker, id) => forwardPort(docker, id, port, options)),
      agent(host, port, options = {}) {
        const { logger } = options;
        return createForwardingAgent(() => {
          backend.assertRunning(host);
          return () => on(host, (docker, id) => forwardPort(docker, id, port, logger ? { logger } : {}));
        }, options);
      },
    },
    terminals: {
      async open(host, terminalId, options) {
        backend.assertRunning(host);
        const { record, ...terminalOptions } = options;
        const settings = { ...backend.terminalDefaults, ...terminalOptions };
        const takeover = {
          signature: shellSignature(settings),
          take: async (session: TerminalSession) => {
            const { cols, rows } = session.size;
            if (cols !== options.cols || rows !== options.rows) await session.resize(options.cols, options.rows);
            const graceMs = terminalOptionsSchema.shape.graceMs.parse(settings.graceMs);
            session.handOver({ graceMs, recorder: record?.({ cols: options.cols, rows: options.rows }) });
          },
        };
        return backend.terminals.openOnce(
          terminalId,
          host,
          async () => {
            const recorder = record?.({ cols: options.cols, rows: options.rows });
            try {
              return await on(host, (docker, id) =>
                openTerminal(docker, id, {
                  logger: backend.logger,
                  pipes: backend.terminalPipes?.(host),
                  ...backend.terminalDefaults,
                  ...terminalOptions,
                  ...(recorder ? { recorder } : {}),
                }),
              );
            } catch (error) {
              await recorder?.close();
              throw error;
            }
          },
          takeover,
        );
      },
      async prime(host, options) {
        backend.assertRunning(host);
        const { deadlineMs = DEFAULT_PRIME_DEADLINE_MS, ...terminalOptions } = options;
        const settings = { ...backend.terminalDefaults, ...terminalOptions, graceMs: PRIMED_HOLD_MS };
        return backend.terminals.prime(
          host,
          shellSignature(settings),
          async () => {
            const session = await on(host, (docker, id) =>
              openTerminal(docker, id, { logger: backend.logger, pipes: backend.terminalPipes?.(host), ...settings }),
            );
            // Primed once the shell has printed (its prompt): a claim then replays it at once.
            await firstOutput(session);
            return session;
          },
          { deadlineMs },
        );
      },
      find: (terminalId) => backend.terminals.find(terminalId),
      has: (terminalId) => backend.terminals.has(terminalId),
    },
    touch: () => backend.touch(),
    extend: (seconds) => backend.extend(seconds),
    restartHost: (host) => backend.restartHost(host),
    destroy: () => backend.destroy(),
  };
}

/** Settles at the session's first output byte (or its end), without staying attached. */
async function firstOutput(session: TerminalSession): Promise<void> {
  let client: { dispose(): void } | undefined;
  await new Promise<void>((resolve) => {
    // onData may run inside attach() (output already in the scrollback): it only settles the promise.
    client = session.attach({ onData: () => resolve(), onExit: () => resolve() });
  });
  client?.dispose();
}
