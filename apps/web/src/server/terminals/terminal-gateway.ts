// The terminal WebSocket endpoint (/ws/terminal): authorizes each upgrade before completing it, bridges
// accepted sockets to their sessions (owned by the environment's handle), pings them, and closes a
// run's sockets when its environment goes.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  ContainerDiedError,
  type EnvironmentHandle,
  EnvironmentNotFoundError,
  type TerminalSession,
} from "@circus/sandbox";
import { type WebSocket, WebSocketServer } from "ws";
import { CLOSE_CODES, MAX_FRAME_BYTES, SERVER_STOPPING_REASON } from "../../contract/terminal-protocol";
import type { ServerContext } from "../context";
import { ConnectionCaps } from "../http/connection-caps";
import { OBSERVER_PROTOCOL } from "../workshops/observer-ticket";
import { type AuthorizedTerminal, authorizeTerminalUpgrade, refuseUpgrade } from "./authorize-terminal-upgrade";
import { LEARNER_TERMINAL_ENV } from "./primed-terminal";
import { TerminalConnection } from "./terminal-connection";

export type TerminalGatewayContext = Pick<
  ServerContext,
  "config" | "logger" | "runtime" | "metrics" | "labs" | "db" | "workshops" | "recordings" | "replicas"
>;

export interface TerminalGatewayOptions {
  /** How often sockets are pinged; one that missed the previous pong is terminated. Default 20 s. */
  heartbeatMs?: number;
}

export interface TerminalGateway {
  /** Handles an `upgrade` of /ws/terminal (refusing it over HTTP when it may not proceed). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes the environment's sockets with 4410 (run stopped or expired); its shells end with the environment. */
  closeEnvironment(environmentId: string): Promise<void>;
  /** The running session of a terminal, if any (operations and tests read its `stats()`). */
  findSession(environmentId: string, terminalId: string): Promise<TerminalSession | undefined>;
  /** Open sockets. */
  readonly connectionCount: number;
  /** Closes every socket (1001) and stops the heartbeat; sessions stay with their environments. */
  dispose(): void;
}

interface Tracked {
  connection: TerminalConnection;
  environmentId: string;
  alive: boolean;
}

export function createTerminalGateway(
  context: TerminalGatewayContext,
  options: TerminalGatewayOptions = {},
): TerminalGateway {
  const logger = context.logger.child({ module: "terminals" });
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    // TerminalConnection answers pings itself, bounded for a client that does not read.
    autoPong: false,
    // An observer offers its ticket as a second subprotocol: answer with the observer one, never echo the ticket.
    handleProtocols: (protocols) => (protocols.has(OBSERVER_PROTOCOL) ? OBSERVER_PROTOCOL : false),
  });
  const sockets = new Map<WebSocket, Tracked>();
  const caps = new ConnectionCaps(context.config.terminalSocketsPerRun, context.config.terminalSocketsMax);

  const environmentEnded = (environmentId: string) => !context.runtime.get(environmentId);
  /** The environment's handle; undefined once it is gone. */
  const environmentOf = (environmentId: string): EnvironmentHandle | undefined => {
    try {
      return context.runtime.environment(environmentId);
    } catch (error) {
      if (error instanceof EnvironmentNotFoundError) return undefined;
      throw error;
    }
  };
  const sessionOpen = (environmentId: string, terminalId: string) =>
    environmentOf(environmentId)?.terminals.has(terminalId) ?? false;
  const findSession = async (environmentId: string, terminalId: string) =>
    environmentOf(environmentId)?.terminals.find(terminalId);
  /** Why a host stopped, when the runtime saw it stop; undefined while it runs. */
  const hostDeath = (environmentId: string, host: string): ContainerDiedError | undefined => {
    const state = environmentOf(environmentId)
      ?.hostStates()
      .find((candidate) => candidate.name === host);
    if (state?.state !== "stopped") return undefined;
    return new ContainerDiedError(host, state.exitCode ?? -1, state.oomKilled ?? false, state.diskQuotaMiB);
  };

  const closeEnvironmentSockets = (environmentId: string) => {
    for (const tracked of sockets.values()) {
      if (tracked.environmentId !== environmentId) continue;
      tracked.connection.end(CLOSE_CODES.runEnded, "run ended", {
        code: "run_ended",
        message: "This lab was stopped or has expired.",
      });
    }
  };

  const heartbeat = setInterval(() => {
    for (const [socket, tracked] of sockets) {
      if (!tracked.alive) {
        logger.debug({ environment: tracked.environmentId }, "terminating a terminal socket that missed its pong");
        socket.terminate();
        continue;
      }
      tracked.alive = false;
      socket.ping();
    }
    for (const environmentId of new Set([...sockets.values()].map((tracked) => tracked.environmentId))) {
      if (environmentEnded(environmentId)) closeEnvironmentSockets(environmentId);
    }
  }, options.heartbeatMs ?? 20_000);
  heartbeat.unref();

  const accept = (socket: WebSocket, terminal: AuthorizedTerminal) => {
    const { environmentId, target } = terminal;
    const log = logger.child({ run: terminal.runId, environment: environmentId, terminal: target.terminalId });
    if (terminal.observer && !sessionOpen(environmentId, target.terminalId)) {
      socket.close(CLOSE_CODES.terminalNotOpen, "the learner has not opened this terminal");
      return;
    }
    // Counted per run (observers included: each socket holds a stream to the engine) and on the server.
    const slot = caps.take(terminal.runId);
    if (!slot.ok) {
      log.info({ cap: slot.reason }, "terminal socket refused: too many open");
      socket.close(
        CLOSE_CODES.tooManySockets,
        slot.reason === "holder" ? "too many terminals open for this lab" : "too many terminals open on the server",
      );
      return;
    }
    socket.once("close", () => slot.release());
    let unwatch: (() => void) | undefined;
    let connection: TerminalConnection | undefined;
    connection = new TerminalConnection({
      socket,
      terminalId: target.terminalId,
      readOnly: terminal.readOnly,
      ...(terminal.since !== undefined ? { since: terminal.since } : {}),
      sessionExists: sessionOpen(environmentId, target.terminalId),
      openSession: async (size) => {
        if (terminal.observer) {
          // Observers attach to the learner's running shell only: never start one in their environment.
          const running = await findSession(environmentId, target.terminalId);
          if (!running) throw new Error("the learner's terminal is no longer running");
          return running;
        }
        return context.runtime.environment(environmentId).terminals.open(target.host, target.terminalId, {
          ...size,
          ...(target.command ? { command: target.command } : {}),
          env: { ...LEARNER_TERMINAL_ENV },
          record: (opened) =>
            context.recordings.start({
              runId: terminal.runId,
              terminalId: target.terminalId,
              title: `terminal ${target.terminalId}`,
              ...opened,
            }),
        });
      },
      onInput: () => {
        try {
          context.runtime.touch(environmentId);
        } catch (error) {
          if (!(error instanceof EnvironmentNotFoundError)) throw error;
          closeEnvironmentSockets(environmentId);
        }
      },
      closeCodeOnExit: () => {
        if (environmentEnded(environmentId)) return { code: CLOSE_CODES.runEnded, reason: "run ended" };
        const died = hostDeath(environmentId, target.host);
        // The shell ended because its host stopped (e.g. past its disk quota): the learner is told why.
        return died
          ? {
              code: CLOSE_CODES.terminalEnded,
              reason: "host stopped",
              error: { code: died.code, message: died.message },
            }
          : { code: CLOSE_CODES.terminalEnded, reason: "terminal ended" };
      },
      logger: log,
    });
    const tracked: Tracked = { connection, environmentId, alive: true };
    sockets.set(socket, tracked);
    context.metrics.websocketConnections.inc();
    socket.on("pong", () => {
      tracked.alive = true;
    });
    socket.on("error", (error) => log.debug({ err: error }, "terminal socket error"));
    socket.once("close", (code) => {
      unwatch?.();
      sockets.delete(socket);
      context.metrics.websocketConnections.dec();
      connection?.dispose();
      connection = undefined;
      log.debug({ code }, "terminal socket closed");
    });
    if (terminal.observer) holdObserver(socket, terminal.observer);
    // The learner is told while an instructor watches (the workshop's event bus carries it); the close
    // handler above releases it, whatever happens from here on.
    unwatch = terminal.observer?.watch();
    log.debug({ readOnly: terminal.readOnly, since: terminal.since }, "terminal socket opened");
  };

  /** An observer's socket lives only as long as its workshop and the instructor session that asked for it. */
  const holdObserver = (socket: WebSocket, observer: NonNullable<AuthorizedTerminal["observer"]>) => {
    const held = (reason: string) => ({
      close: () => socket.close(CLOSE_CODES.observerRevoked, reason),
      onClose: (callback: () => void) => {
        socket.once("close", callback);
        return () => socket.off("close", callback);
      },
    });
    context.workshops.sessionStreams.add(observer.sessionTokenHash, held("the instructor signed out"));
    context.workshops.workshopObservers.add(observer.workshopId, held("the workshop ended"));
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on("error", (error) => logger.debug({ err: error }, "terminal upgrade socket error"));
      authorizeTerminalUpgrade(req, context)
        .then(
          (decision) => {
            if (!decision.ok) {
              logger.debug({ status: decision.status, reason: decision.message }, "terminal upgrade refused");
              refuseUpgrade(socket, decision.status, decision.message);
              return;
            }
            if (socket.destroyed) return;
            // The server-wide cap is counted on every replica (PostgreSQL with several): the slot is taken
            // before the upgrade completes, so no learner's first message waits on the database.
            return context.replicas.takeSocketSlot("terminal", context.config.terminalSocketsMax).then((release) => {
              if (socket.destroyed) {
                release?.();
                return;
              }
              server.handleUpgrade(req, socket, head, (ws) => {
                if (!release) {
                  logger.info({ cap: "total" }, "terminal socket refused: too many open on the replicas");
                  ws.close(CLOSE_CODES.tooManySockets, "too many terminals open on the server");
                  return;
                }
                ws.once("close", release);
                try {
                  accept(ws, decision.terminal);
                } catch (error) {
                  logger.error({ err: error }, "could not accept a terminal socket");
                  ws.close(CLOSE_CODES.internalError, "internal error");
                }
              });
            });
          },
          (error: unknown) => {
            logger.error({ err: error }, "terminal upgrade failed");
            refuseUpgrade(socket, 500, "the terminal could not be opened");
          },
        )
        .catch((error: unknown) => {
          // The shared socket count could not be asked (the database is down): refused, never uncounted.
          logger.error({ err: error }, "could not take a terminal socket slot");
          if (!socket.destroyed) refuseUpgrade(socket, 503, "the terminal could not be opened");
        });
    },

    async closeEnvironment(environmentId) {
      closeEnvironmentSockets(environmentId);
    },

    findSession,

    get connectionCount() {
      return sockets.size;
    },

    dispose() {
      clearInterval(heartbeat);
      for (const [socket, tracked] of sockets) {
        socket.close(CLOSE_CODES.serverStopping, SERVER_STOPPING_REASON);
        tracked.connection.dispose();
      }
      server.close();
    },
  };
}
