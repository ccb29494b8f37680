// Read-only terminal access for a workshop's instructor: a short-lived, single-use ticket, signed with the
// server secret, that the terminal WebSocket accepts in its Sec-WebSocket-Protocol header (never the URL,
// which proxies and browser history keep) with `observe=1`, instead of the learner cookie. At the upgrade
// the instructor's session and right to the workshop are checked again. The learner is told they are
// watched while an observer socket is open (`watch()`).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Run } from "@circus/db";
import type { Lab } from "@circus/lab";
import { z } from "zod";
import type { ServerContext } from "../context";

/** A ticket opens a socket only within this time of being issued. */
export const OBSERVER_TICKET_TTL_MS = 60_000;

/** The subprotocol an observer socket speaks; the ticket travels as a second one, `circus.ticket.<ticket>`. */
export const OBSERVER_PROTOCOL = "circus.observer";
const TICKET_PROTOCOL_PREFIX = "circus.ticket.";

/** The `protocols` argument of `new WebSocket(url, protocols)` that carries `ticket`. */
export function observerProtocols(ticket: string): string[] {
  return [OBSERVER_PROTOCOL, `${TICKET_PROTOCOL_PREFIX}${ticket}`];
}

/** The ticket in a request's Sec-WebSocket-Protocol header, when it offers the observer protocol. */
export function ticketFromProtocols(header: string | undefined): string | undefined {
  const offered = (header ?? "").split(",").map((item) => item.trim());
  if (!offered.includes(OBSERVER_PROTOCOL)) return undefined;
  return offered.find((item) => item.startsWith(TICKET_PROTOCOL_PREFIX))?.slice(TICKET_PROTOCOL_PREFIX.length);
}

const ClaimsSchema = z.object({
  /** run id */
  r: z.string().min(1).max(64),
  /** workshop id */
  w: z.string().min(1).max(64),
  /** instructor id */
  i: z.string().min(1).max(64),
  /** the instructor session that asked (its token hash): signing out closes the socket */
  s: z.string().min(1).max(128),
  /** nonce: a ticket opens one socket */
  n: z.string().min(16).max(64),
  /** expiry, ms since the epoch */
  e: z.number().int(),
});

export interface ObserverClaims {
  runId: string;
  workshopId: string;
  instructorId: string;
  sessionTokenHash: string;
  nonce: string;
  expiresAt: Date;
}

export function issueObserverTicket(
  secret: string,
  claims: Omit<ObserverClaims, "expiresAt" | "nonce">,
  now: number = Date.now(),
): { ticket: string; expiresAt: Date } {
  const expiresAt = new Date(now + OBSERVER_TICKET_TTL_MS);
  const payload = Buffer.from(
    JSON.stringify({
      r: claims.runId,
      w: claims.workshopId,
      i: claims.instructorId,
      s: claims.sessionTokenHash,
      n: randomBytes(16).toString("base64url"),
      e: expiresAt.getTime(),
    }),
  ).toString("base64url");
  return { ticket: `${payload}.${signatureOf(payload, secret)}`, expiresAt };
}

/** The claims of a well-formed, correctly signed, unexpired ticket; otherwise undefined. */
export function verifyObserverTicket(
  ticket: string | undefined,
  secret: string,
  now: number = Date.now(),
): ObserverClaims | undefined {
  if (ticket === undefined || ticket.length > 1_000) return undefined;
  const [payload, signature, extra] = ticket.split(".");
  if (!payload || !signature || extra !== undefined) return undefined;
  const given = Buffer.from(signature, "utf8");
  const expected = Buffer.from(signatureOf(payload, secret), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let parsed: z.infer<typeof ClaimsSchema>;
  try {
    parsed = ClaimsSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    return undefined;
  }
  if (parsed.e <= now) return undefined;
  return {
    runId: parsed.r,
    workshopId: parsed.w,
    instructorId: parsed.i,
    sessionTokenHash: parsed.s,
    nonce: parsed.n,
    expiresAt: new Date(parsed.e),
  };
}

/** The nonces of tickets that opened a socket, until they expire: a ticket is single-use. Bounded. */
export class SpentTickets {
  readonly #spent = new Map<string, number>();

  constructor(readonly maxEntries = 50_000) {}

  /** True the first time a nonce is spent (and it is recorded); false after, or when the record is full. */
  spend(nonce: string, expiresAt: number, now: number = Date.now()): boolean {
    if (this.#spent.has(nonce)) return false;
    if (this.#spent.size >= this.maxEntries) {
      for (const [spent, until] of this.#spent) if (until <= now) this.#spent.delete(spent);
      if (this.#spent.size >= this.maxEntries) return false;
    }
    this.#spent.set(nonce, expiresAt);
    return true;
  }
}

export interface AuthorizedObserver {
  run: Run;
  lab: Lab;
  claims: ObserverClaims;
  /** Marks the learner as watched (they are told); call the returned function when the socket closes. */
  watch(): () => void;
}

/**
 * For the terminal WebSocket's upgrade handler: whether `ticket` lets its bearer observe `runId`
 * (signed, unexpired, unused, for this run, the run still ready in a workshop that has not ended, and
 * the instructor still signed in with the session that asked and still allowed to see the workshop).
 * Spends the ticket when it does. Undefined: refuse (404).
 */
export async function authorizeObserver(
  context: Pick<ServerContext, "config" | "db" | "labs" | "workshops" | "replicas">,
  input: { ticket: string | undefined; runId: string },
): Promise<AuthorizedObserver | undefined> {
  const claims = verifyObserverTicket(input.ticket, context.config.secret);
  if (!claims || claims.runId !== input.runId) return undefined;
  const run = await context.db.getRun(claims.runId);
  if (!run || run.workshopId !== claims.workshopId || run.status !== "ready") return undefined;
  const workshop = await context.db.getWorkshop(claims.workshopId);
  if (!workshop || workshop.endedAt !== null) return undefined;
  const session = await context.db.findInstructorSession(claims.sessionTokenHash);
  const instructor = session?.instructor;
  if (!instructor || instructor.id !== claims.instructorId) return undefined;
  if (workshop.ownerId !== instructor.id && !instructor.isAdmin) return undefined;
  const lab = await context.labs.labOf(run);
  if (!lab) return undefined;
  if (!(await context.replicas.spendTicket(claims.nonce, claims.expiresAt.getTime()))) return undefined;
  return { run, lab, claims, watch: () => context.workshops.bus.watch(claims.workshopId, run.learnerId) };
}

function signatureOf(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(`observer:${payload}`).digest("base64url");
}
