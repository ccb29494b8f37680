// Opens a TCP connection to 127.0.0.1:<port> inside a container through the Engine API (an exec'd
// relay), so the server reaches sandboxes that have no network and never needs a container's IP.
import type { Socket } from "node:net";
import { addAbortSignal } from "node:stream";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import { RELAY_HANDSHAKE_DEADLINE_MS } from "../commands/sandbox-deadline";
import { ContainerNotRunningError, PortForwardFailedError } from "../errors";
import { PortForwardStream } from "./port-forward-stream";
import { portRelayCommand } from "./port-relay-script";

export interface ForwardPortOptions {
  /** Aborting closes the connection and stops the relay, before or after it connected. */
  signal?: AbortSignal;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** How long an aborted connection attempt waits for the relay's answer so it can stop it. */
const ABORTED_HANDSHAKE_WAIT_MS = 5_000;

/**
 * Resolves once connected, with a Duplex to the port (ending it half-closes the TCP connection);
 * rejects with PortClosedError when nothing listens, ContainerNotRunningError when the host is down.
 */
export async function forwardPort(
  docker: Dockerode,
  containerId: string,
  port: number,
  options: ForwardPortOptions = {},
): Promise<PortForwardStream> {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`a port is an integer from 1 to 65535, got ${port}`);
  }
  const { signal, logger = pino({ level: "silent" }) } = options;
  signal?.throwIfAborted();
  let exec: Dockerode.Exec;
  let socket: Socket;
  try {
    exec = await docker.getContainer(containerId).exec({
      Cmd: portRelayCommand(port),
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    socket = (await exec.start({ hijack: true, stdin: true })) as Socket;
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (status === 404 || status === 409) throw new ContainerNotRunningError(containerId, { cause: error });
    throw error;
  }
  const stream = new PortForwardStream({ docker, containerId, port, exec, socket, logger });
  // The relay runs in the learner's sandbox, which may never answer (a replaced python3): give up in time.
  const handshake = AbortSignal.timeout(RELAY_HANDSHAKE_DEADLINE_MS);
  try {
    await untilConnectedOrAborted(stream, signal ? AbortSignal.any([signal, handshake]) : handshake);
  } catch (error) {
    stream.destroy();
    if (handshake.aborted && !signal?.aborted) {
      throw new PortForwardFailedError(
        port,
        `the relay did not answer within ${RELAY_HANDSHAKE_DEADLINE_MS / 1000} s`,
        { cause: error },
      );
    }
    throw error;
  }
  if (signal) addAbortSignal(signal, stream);
  return stream;
}

async function untilConnectedOrAborted(stream: PortForwardStream, signal: AbortSignal): Promise<void> {
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([stream.connected, aborted]);
  } catch (error) {
    if (signal.aborted) {
      // Let the relay report its pid first, so destroying the stream can stop it.
      await Promise.race([
        stream.connected.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, ABORTED_HANDSHAKE_WAIT_MS)),
      ]);
    }
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
