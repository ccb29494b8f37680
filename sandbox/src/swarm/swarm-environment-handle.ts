// The Environment handle on Swarm: the same surface as the single engine's (engine-environment-handle.ts),
// each call checked against the runtime (host lost? environment gone?) and then sent to the node's engine
// that runs the host, through the SwarmEnvironment's cached placement.
import type { Logger } from "pino";
import { runCommand } from "../commands/run-command";
import type { Environment } from "../environments/environment";
import type { EnvironmentHandle, HostState } from "../environments/environment-handle";
import { copyFiles } from "../files/copy-files";
import { readFile } from "../files/read-file";
import { forwardPort } from "../ports/forward-port";
import { createForwardingAgent } from "../ports/port-proxy-agent";
import type { EnvironmentTerminals } from "../terminals/environment-terminals";
import { openTerminal, type TerminalOptions } from "../terminals/open-terminal";
import type { SwarmEnvironment } from "./swarm-environment";

export interface SwarmHandleBackend {
  id: string;
  swarm: SwarmEnvironment;
  terminals: EnvironmentTerminals;
  terminalDefaults: Partial<TerminalOptions>;
  logger: Logger;
  /** Throws EnvironmentNotFoundError, HostNotFoundError, or the reason the host does not run. */
  assertRunning(host: string): void;
  info(): Environment;
  hostStates(): HostState[];
  touch(): void;
  extend(seconds: number): Environment;
  restartHost(host: string): Promise<Environment>;
  destroy(): Promise<void>;
}

export function swarmEnvironmentHandle(backend: SwarmHandleBackend): EnvironmentHandle {
  const { swarm } = backend;
  const on = <T>(host: string, call: (docker: Parameters<typeof runCommand>[0], containerId: string) => Promise<T>) => {
    backend.assertRunning(host);
    return swarm.onHost(host, (placement) => call(placement.docker, placement.containerId));
  };
  return {
    id: backend.id,
    info: () => backend.info(),
    hostStates: () => backend.hostStates(),
    commands: {
      run(host, options) {
        backend.assertRunning(host);
        backend.touch();
        return on(host, (docker, containerId) => runCommand(docker, containerId, options));
      },
    },
    files: {
      read: async (host, path, options) => on(host, (docker, id) => readFile(docker, id, path, options)),
      write: async (host, path, content, options = {}) =>
        on(host, (docker, id) => copyFiles(docker, id, [{ path, content, ...options }])),
      copy: async (host, files) => on(host, (docker, id) => copyFiles(docker, id, files)),
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
        return backend.terminals.openOnce(terminalId, host, async () => {
          const recorder = record?.({ cols: options.cols, rows: options.rows });
          try {
            return await on(host, (docker, id) =>
              openTerminal(docker, id, {
                logger: backend.logger,
                ...backend.terminalDefaults,
                ...terminalOptions,
                ...(recorder ? { recorder } : {}),
              }),
            );
          } catch (error) {
            await recorder?.close();
            throw error;
          }
        });
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
