// Read-only terminal access for a workshop's instructor: a short-lived ticket, signed with the server
// secret, that the terminal WebSocket accepts with `observe=1&ticket=...` instead of the learner cookie.
// The learner is told they are watched while an observer socket is open (`watch()`).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Run } from "@circus/db";
import type { Lab } from "@circus/lab";
import { z } from "zod";
import type { ServerContext } from "../context";

/** A ticket opens a socket only within this time of being issued. */
export const OBSERVER_TICKET_TTL_MS = 60_000;

const ClaimsSchema = z.object({
  /** run id */
  r: z.string().min(1).max(64),
  /** workshop id */
  w: z.string().min(1).max(64),
  /** instructor id */
  i: z.string().min(1).max(64),
  /** expiry, ms since the epoch */
  e: z.number().int(),
});

export interface ObserverClaims {
  runId: string;
  workshopId: string;
  instructorId: string;
  expiresAt: Date;
}

export function issueObserverTicket(
  secret: string,
  claims: Omit<ObserverClaims, "expiresAt">,
  now: number = Date.now(),
): { ticket: string; expiresAt: Date } {
  const expiresAt = new Date(now + OBSERVER_TICKET_TTL_MS);
  const payload = Buffer.from(
    JSON.stringify({ r: claims.runId, w: claims.workshopId, i: claims.instructorId, e: expiresAt.getTime() }),
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
  return { runId: parsed.r, workshopId: parsed.w, instructorId: parsed.i, expiresAt: new Date(parsed.e) };
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
 * (signed, unexpired, for this run, the run still ready in a workshop that has not ended). Undefined: refuse (404).
 */
export async function authorizeObserver(
  context: Pick<ServerContext, "config" | "db" | "labs" | "workshops">,
  input: { ticket: string | undefined; runId: string },
): Promise<AuthorizedObserver | undefined> {
  const claims = verifyObserverTicket(input.ticket, context.config.secret);
  if (!claims || claims.runId !== input.runId) return undefined;
  const run = await context.db.getRun(claims.runId);
  if (!run || run.workshopId !== claims.workshopId || run.status !== "ready") return undefined;
  const workshop = await context.db.getWorkshop(claims.workshopId);
  if (!workshop || workshop.endedAt !== null) return undefined;
  const lab = await context.labs.labOf(run);
  if (!lab) return undefined;
  return { run, lab, claims, watch: () => context.workshops.bus.watch(claims.workshopId, run.learnerId) };
}

function signatureOf(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(`observer:${payload}`).digest("base64url");
}
