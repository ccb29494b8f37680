// An http.Agent whose connections are port forwards into a container, so the web app can
// `http.request` a page served inside a sandbox that has no network.
import http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";

export interface PortProxyAgentOptions extends http.AgentOptions {
  /** Default: a silent logger. */
  logger?: Logger;
  /**
   * Called before each new connection (each starts a relay process in the container); throwing or rejecting
   * refuses it (a rate limit counted across web replicas answers asynchronously).
   */
  beforeConnect?: () => void | Promise<void>;
}

/**
 * The request's host name and port are ignored: every connection is a forward: `beforeConnect` (which may
 * throw or reject to refuse it), then `prepare`, run at each connection, which may throw to refuse it; the function
 * it returns opens the stream (the Environment handle's `ports.agent`: the host's engine and container found at
 * each connection).
 */
export function createForwardingAgent(
  prepare: () => () => Promise<Duplex>,
  options: PortProxyAgentOptions = {},
): http.Agent {
  const { logger: _logger, beforeConnect, ...agentOptions } = options;
  return new PortProxyAgent(agentOptions, (callback) => {
    const opened = async () => {
      await beforeConnect?.();
      return prepare()();
    };
    opened().then(
      (stream) => callback(null, stream),
      (error: Error) => callback(error, undefined as never),
    );
  });
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

class PortProxyAgent extends http.Agent {
  readonly #connect: (callback: ConnectionCallback) => void;

  constructor(options: http.AgentOptions, connect: (callback: ConnectionCallback) => void) {
    super(options);
    this.#connect = connect;
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: ConnectionCallback): undefined {
    if (!callback) throw new Error("the port proxy agent connects asynchronously and needs a callback");
    this.#connect(callback);
    return undefined;
  }
}
