// The Environment handle on the single Docker engine: each call resolves the host's current container
// through the runtime (which knows whether it still runs) and drives it through the Engine API.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { runCommand } from "../commands/run-command";
import { copyFiles } from "../files/copy-files";
import { readFile } from "../files/read-file";
import { forwardPort } from "../ports/forward-port";
import { createPortProxyAgent } from "../ports/port-proxy-agent";
import type { EnvironmentTerminals } from "../terminals/environment-terminals";
import { openTerminal, type TerminalOptions } from "../terminals/open-terminal";
import type { Environment } from "./environment";
import type { EnvironmentHandle, HostState } from "./environment-handle";

/** What the handle needs of the runtime that made it (all by environment id, so it never goes stale). */
export interface EngineHandleBackend {
  docker: Dockerode;
  logger: Logger;
  terminalDefaults: Partial<TerminalOptions>;
  terminals: EnvironmentTerminals;
  /** The host's running container; throws EnvironmentNotFoundError, HostNotFoundError or ContainerDiedError. */
  containerOf(host: string): string;
  info(): Environment;
  hostStates(): HostState[];
  touch(): void;
  extend(seconds: number): Environment;
  restartHost(host: string): Promise<Environment>;
  destroy(): Promise<void>;
}

export function engineEnvironmentHandle(id: string, backend: EngineHandleBackend): EnvironmentHandle {
  const { docker } = backend;
  return {
    id,
    info: () => backend.info(),
    hostStates: () => backend.hostStates(),
    commands: {
      async run(host, options) {
        const containerId = backend.containerOf(host);
        backend.touch();
        return runCommand(docker, containerId, options);
      },
    },
    files: {
      read: async (host, path, options) => readFile(docker, backend.containerOf(host), path, options),
      write: async (host, path, content, options = {}) =>
        copyFiles(docker, backend.containerOf(host), [{ path, content, ...options }]),
      copy: async (host, files) => copyFiles(docker, backend.containerOf(host), files),
    },
    ports: {
      forward: async (host, port, options) => forwardPort(docker, backend.containerOf(host), port, options),
      agent(host, port, options) {
        return createPortProxyAgent(docker, () => backend.containerOf(host), port, options);
      },
    },
    terminals: {
      async open(host, terminalId, options) {
        backend.containerOf(host);
        const { record, ...terminalOptions } = options;
        return backend.terminals.openOnce(terminalId, host, async () => {
          const recorder = record?.({ cols: options.cols, rows: options.rows });
          try {
            return await openTerminal(docker, backend.containerOf(host), {
              logger: backend.logger,
              ...backend.terminalDefaults,
              ...terminalOptions,
              ...(recorder ? { recorder } : {}),
            });
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
