// Decides, before a terminal WebSocket upgrade completes, whether it may: a well-formed query, an
// allowed Origin, a learner cookie that owns the run (or an observer ticket in the Sec-WebSocket-Protocol
// header), and a terminal the lab has. Refusals are HTTP.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { parseTerminalQuery } from "../../contract/terminal-protocol";
import type { ServerContext } from "../context";
import { isAllowedOrigin } from "../http/origins";
import { learnerIdFromRequest } from "../learners/learner-cookie";
import { authorizeObserver, ticketFromProtocols } from "../workshops/observer-ticket";
import { resolveTerminalTarget, type TerminalTarget } from "./terminal-target";

/** The path of the terminal socket. */
export const TERMINAL_SOCKET_PATH = "/ws/terminal";

export interface AuthorizedTerminal {
  runId: string;
  learnerId: string;
  environmentId: string;
  target: TerminalTarget;
  readOnly: boolean;
  since?: number;
  /**
   * Set for a workshop instructor watching: attach to the learner's existing shell only, never open one;
   * the socket closes when the workshop ends or the instructor's session does.
   */
  observer?: { watch: () => () => void; workshopId: string; sessionTokenHash: string };
}

export type UpgradeDecision =
  | { ok: true; terminal: AuthorizedTerminal }
  | { ok: false; status: 400 | 403 | 404; message: string };

export async function authorizeTerminalUpgrade(
  req: IncomingMessage,
  context: Pick<ServerContext, "config" | "labs" | "db" | "workshops" | "replicas">,
): Promise<UpgradeDecision> {
  const pathname = (req.url ?? "/").split("?")[0];
  if (pathname !== TERMINAL_SOCKET_PATH) return { ok: false, status: 404, message: "no such socket" };
  const parsed = parseTerminalQuery(req.url);
  if (!parsed.ok) return { ok: false, status: 400, message: parsed.message };
  if (!isAllowedOrigin(req.headers.origin, context.config)) {
    return { ok: false, status: 403, message: "this origin may not open terminals" };
  }
  const { query } = parsed;
  const notFound = { ok: false, status: 404, message: "no such run" } as const;
  if (query.ticket !== undefined) {
    return {
      ok: false,
      status: 400,
      message: "send the observer ticket in the Sec-WebSocket-Protocol header, not the URL",
    };
  }
  const protocols = req.headers["sec-websocket-protocol"];
  const ticket = ticketFromProtocols(Array.isArray(protocols) ? protocols.join(",") : protocols);
  if (ticket !== undefined) {
    if (!query.observe) return { ok: false, status: 400, message: "a ticket is only for observers (observe=1)" };
    const observer = await authorizeObserver(context, { ticket, runId: query.run });
    if (!observer) return notFound;
    const watched = resolveTerminalTarget(observer.lab, query.terminal, query.host);
    if (!watched.ok) return watched;
    return {
      ok: true,
      terminal: {
        runId: query.run,
        learnerId: observer.run.learnerId,
        environmentId: observer.lab.environment.id,
        target: watched.target,
        readOnly: true,
        observer: {
          watch: observer.watch,
          workshopId: observer.claims.workshopId,
          sessionTokenHash: observer.claims.sessionTokenHash,
        },
        ...(query.since !== undefined ? { since: query.since } : {}),
      },
    };
  }
  const learnerId = learnerIdFromRequest(req, context.config);
  if (!learnerId) return notFound;
  const owned = await context.labs.ownedLab(learnerId, query.run);
  if (!owned) return notFound;
  const resolution = resolveTerminalTarget(owned.lab, query.terminal, query.host);
  if (!resolution.ok) return resolution;
  return {
    ok: true,
    terminal: {
      runId: query.run,
      learnerId,
      environmentId: owned.lab.environment.id,
      target: resolution.target,
      readOnly: query.observe,
      ...(query.since !== undefined ? { since: query.since } : {}),
    },
  };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Answers an upgrade request with a plain HTTP status and a one-line text body, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
