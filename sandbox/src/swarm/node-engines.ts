// Reaching the engine of one Swarm node: its endpoint comes from the node label `circus.engine`
// (tcp://ADDRESS:PORT) and every connection is mutual TLS with the client certificate Circus holds.
// There is no plain-TCP path: a client without the CA, certificate and key cannot be built.
import { Agent, type AgentOptions, type RequestOptions } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import Dockerode from "dockerode";
import { z } from "zod";
import { NodeEngineUnreachableError } from "./swarm-errors";

/** The node label that names a node's engine endpoint. */
export const ENGINE_LABEL = "circus.engine";

/** Mutual-TLS material (PEM): the CA that signed the node engines' certificates, and Circus's client certificate. */
export interface EngineTls {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

const endpointSchema = z
  .string()
  .regex(/^tcp:\/\/[A-Za-z0-9.-]+:[0-9]{1,5}$/, "tcp://ADDRESS:PORT")
  .transform((endpoint) => {
    const url = new URL(endpoint.replace(/^tcp:/, "https:"));
    return { host: url.hostname, port: Number(url.port) };
  });

/** Parses a `circus.engine` label; undefined when it is not tcp://ADDRESS:PORT. */
export function parseEngineEndpoint(endpoint: string | undefined): { host: string; port: number } | undefined {
  const parsed = endpointSchema.safeParse(endpoint);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Node 20's https.Agent leaves Nagle's algorithm on (its noDelay default reaches plain http sockets only, not
 * tls.connect): a keystroke written to an exec stream, or a small request's body written after its headers,
 * would wait for the ACK of the previous segment, up to the engine's delayed-ACK timer (40 ms on Linux). Every
 * socket this agent opens to a node's engine, the exec streams it hands over included, sends at once.
 */
export class NoDelayTlsAgent extends Agent {
  constructor(options: AgentOptions) {
    super({ ...options, noDelay: true });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    (socket as Partial<Pick<Socket, "setNoDelay">> | null | undefined)?.setNoDelay?.(true);
    return socket;
  }
}

/** A Dockerode client for a node's engine over mutual TLS. */
export function connectNodeEngine(node: string, endpoint: string | undefined, tls: EngineTls): Dockerode {
  const address = parseEngineEndpoint(endpoint);
  if (!address) {
    throw new NodeEngineUnreachableError(
      node,
      endpoint === undefined
        ? `it has no ${ENGINE_LABEL} label`
        : `its ${ENGINE_LABEL} label "${endpoint}" is not tcp://ADDRESS:PORT`,
    );
  }
  // Keep-alive: every call on a host is a few requests to its node, which should not each pay a TLS handshake.
  const agent = new NoDelayTlsAgent({ keepAlive: true, maxFreeSockets: 4, ca: tls.ca, cert: tls.cert, key: tls.key });
  // docker-modem takes an `agent` option that @types/dockerode does not declare.
  const options: Dockerode.DockerOptions & { agent: Agent } = {
    ...address,
    protocol: "https",
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    agent,
  };
  return new Dockerode(options);
}
