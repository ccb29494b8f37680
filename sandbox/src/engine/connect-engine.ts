// Connects to the Docker engine named by an argument, DOCKER_HOST or the default socket (in that
// order) and proves it answers with a ping, so that later calls fail for real reasons only.
import Dockerode from "dockerode";
import { EngineUnreachableError } from "../errors";
import { DEFAULT_DOCKER_SOCKET, readEngineEnvironment } from "./config";

export interface ConnectEngineOptions {
  /** `unix:///path/to/docker.sock` or `tcp://host:port`. Default: DOCKER_HOST, then `unix:///var/run/docker.sock`. */
  dockerHost?: string;
  /** How long the first ping may take. Default: 5000 ms. */
  pingTimeoutMs?: number;
}

export interface EngineEndpoint {
  /** For messages: the socket path or host:port. */
  description: string;
  /** True for the local default socket (the one a dockerd started by Circus listens on). */
  isDefaultSocket: boolean;
  dockerodeOptions: Dockerode.DockerOptions;
}

/** Resolves where the engine is, without connecting: argument, then DOCKER_HOST, then the default socket. */
export function resolveEngineEndpoint(dockerHost?: string): EngineEndpoint {
  const chosen = dockerHost ?? readEngineEnvironment().dockerHost;
  if (!chosen) {
    return {
      description: DEFAULT_DOCKER_SOCKET,
      isDefaultSocket: true,
      dockerodeOptions: { socketPath: DEFAULT_DOCKER_SOCKET },
    };
  }
  const url = new URL(chosen);
  if (url.protocol === "unix:") {
    const socketPath = decodeURIComponent(url.pathname);
    return {
      description: socketPath,
      isDefaultSocket: socketPath === DEFAULT_DOCKER_SOCKET,
      dockerodeOptions: { socketPath },
    };
  }
  if (url.protocol === "tcp:" || url.protocol === "http:") {
    const port = url.port === "" ? 2375 : Number(url.port);
    return {
      description: `${url.hostname}:${port}`,
      isDefaultSocket: false,
      dockerodeOptions: { host: url.hostname, port, protocol: "http" },
    };
  }
  throw new EngineUnreachableError(`DOCKER_HOST ${chosen} has an unsupported scheme (use unix:// or tcp://)`);
}

/** Pings the engine; throws EngineUnreachableError that says why when it does not answer in time. */
export async function pingEngine(docker: Dockerode, description: string, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EngineUnreachableError(`${description} did not answer a ping within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([docker.ping(), timedOut]);
  } catch (cause) {
    if (cause instanceof EngineUnreachableError) throw cause;
    throw new EngineUnreachableError(describeConnectionFailure(description, cause), { cause });
  } finally {
    clearTimeout(timer);
  }
}

/** A Dockerode connected to the engine, pinged once. */
export async function connectEngine(options: ConnectEngineOptions = {}): Promise<Dockerode> {
  const endpoint = resolveEngineEndpoint(options.dockerHost);
  const docker = new Dockerode(endpoint.dockerodeOptions);
  await pingEngine(docker, endpoint.description, options.pingTimeoutMs);
  return docker;
}

function describeConnectionFailure(description: string, cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return `no socket at ${description}`;
    case "ECONNREFUSED":
      return `nothing listens at ${description}`;
    case "EACCES":
      return `permission denied on ${description} (run as root or join the docker group)`;
    default:
      return `${description}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}
