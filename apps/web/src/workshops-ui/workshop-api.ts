// The workshop pages' client for /api/instructors, /api/workshops and /api/join: one function per
// route, CSRF header included, every answer parsed with its schema; failures are the player's ApiError.
import { z } from "zod";
import { ApiErrorBodySchema } from "../contract/run-view";
import { CSRF_HEADER, readCsrfToken } from "../player/csrf-token";
import { ApiError } from "../player/run-api";
import {
  InstructorSchema,
  type InstructorView,
  type InstructorWorkshop,
  InstructorWorkshopSchema,
  InvitationSchema,
  type LearnerWorkshop,
  LearnerWorkshopSchema,
  TerminalTicketSchema,
} from "./workshop-schemas";

async function call<T extends z.ZodType>(
  method: "GET" | "POST",
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") {
    headers["content-type"] = "application/json";
    headers[CSRF_HEADER] = readCsrfToken(document.cookie) ?? "";
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", "Circus could not be reached. Check your connection and try again.");
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const failure = ApiErrorBodySchema.safeParse(json);
    throw failure.success
      ? new ApiError(response.status, failure.data.error.code, failure.data.error.message)
      : new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(response.status, "bad_response", "The server sent an answer this page does not understand.");
  return parsed.data;
}

const InstructorEnvelope = z.object({ instructor: InstructorSchema });
const WorkshopEnvelope = z.object({ workshop: InstructorWorkshopSchema });
const workshopPath = (id: string) => `/api/workshops/${encodeURIComponent(id)}`;

export interface SignUpInput {
  email: string;
  displayName: string;
  password: string;
  invitation?: string;
  /** The server's one-time setup token, for the first (admin) account. */
  setupToken?: string;
}

export async function signUp(input: SignUpInput): Promise<InstructorView> {
  return (await call("POST", "/api/instructors/sign-up", InstructorEnvelope, input)).instructor;
}

export async function signIn(email: string, password: string): Promise<InstructorView> {
  return (await call("POST", "/api/instructors/sign-in", InstructorEnvelope, { email, password })).instructor;
}

export async function signOut(): Promise<void> {
  await call("POST", "/api/instructors/sign-out", z.unknown());
}

/** A single-use invitation (admins only); its token goes into the sign-up link. */
export async function inviteInstructor(): Promise<z.infer<typeof InvitationSchema>> {
  return (await call("POST", "/api/instructors/invitations", z.object({ invitation: InvitationSchema }))).invitation;
}

export interface WorkshopInput {
  title: string;
  scenarioIds: string[];
  /** ISO 8601 with an offset. */
  startsAt: string;
  endsAt: string;
  capacity: number;
  ttlSeconds: number;
  reserveMinutes: number;
  allowSaving: boolean;
}

export async function createWorkshop(input: WorkshopInput): Promise<InstructorWorkshop> {
  return (await call("POST", "/api/workshops", WorkshopEnvelope, input)).workshop;
}

export async function getWorkshop(workshopId: string): Promise<InstructorWorkshop> {
  return (await call("GET", workshopPath(workshopId), WorkshopEnvelope)).workshop;
}

export async function endWorkshop(workshopId: string): Promise<InstructorWorkshop> {
  return (await call("POST", `${workshopPath(workshopId)}/end`, WorkshopEnvelope)).workshop;
}

export async function broadcastMessage(workshopId: string, text: string): Promise<number> {
  const schema = z.object({ delivered: z.number() });
  return (await call("POST", `${workshopPath(workshopId)}/messages`, schema, { text })).delivered;
}

/** A short-lived ticket to watch a participant's terminal read-only. */
export async function terminalTicket(workshopId: string, participantId: string) {
  const path = `${workshopPath(workshopId)}/participants/${encodeURIComponent(participantId)}/terminal-ticket`;
  return call("GET", path, TerminalTicketSchema);
}

export function dashboardEventsPath(workshopId: string): string {
  return `${workshopPath(workshopId)}/events`;
}

export function resultsCsvPath(workshopId: string): string {
  return `${workshopPath(workshopId)}/results.csv`;
}

export async function joinWorkshop(code: string, displayName: string): Promise<LearnerWorkshop> {
  const schema = z.object({ workshop: LearnerWorkshopSchema });
  return (await call("POST", "/api/join", schema, { code, displayName })).workshop;
}

export { LEARNER_EVENTS_PATH } from "./learner-workshop-events";
