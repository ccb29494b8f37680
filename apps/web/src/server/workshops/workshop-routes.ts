// The /api/workshops routes (instructors: owner or admin, else 404) and the learner's /api/join and
// /api/me/workshop routes. Each parses its input, checks who asks, and calls one domain function.
import type { IncomingMessage } from "node:http";
import QRCode from "qrcode";
import { z } from "zod";
import { clientAddressGroup } from "../http/client-address";
import { AppError } from "../http/errors";
import { readJsonBody } from "../http/json-body";
import { defineRoute, type Route } from "../http/router";
import { requireInstructor } from "../instructors/instructor-session";
import { joinWorkshop } from "./join-workshop";
import { broadcastMessage, createWorkshop, endWorkshop, listWorkshops, updateWorkshop } from "./manage-workshops";
import { issueObserverTicket, observerProtocols } from "./observer-ticket";
import { RESULTS_HEADER, toCsv, workshopResults } from "./results-csv";
import { requireOwnedWorkshop, requireParticipation, workshopNotFound } from "./workshop-access";
import { dashboardSnapshot } from "./workshop-dashboard";
import { streamDashboard, streamLearnerWorkshop } from "./workshop-streams";
import { joinUrlOf, toInstructorWorkshopView, toLearnerWorkshopView } from "./workshop-views";

const DateTime = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const WorkshopFieldsBody = z.object({
  title: z.string().trim().min(1).max(200),
  scenarioIds: z.array(z.string().min(1).max(200)).min(1).max(50),
  startsAt: DateTime,
  endsAt: DateTime,
  capacity: z.number().int().min(1).max(1_000),
  ttlSeconds: z.number().int().min(60).max(86_400).optional(),
  reserveMinutes: z.number().int().min(0).max(1_440).optional(),
  allowSaving: z.boolean().optional(),
});
const WorkshopParams = z.object({ workshopId: z.string().min(1).max(64) });
const ParticipantParams = WorkshopParams.extend({ participantId: z.string().min(1).max(64) });
const MessageBody = z.object({ text: z.string().trim().min(1).max(1_000) });
const JoinBody = z.object({ code: z.string().min(1).max(64), displayName: z.string().trim().min(1).max(80) });

export const workshopRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/api/workshops",
    handle: async ({ req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await createWorkshop(context, instructor, await bodyOf(req, WorkshopFieldsBody));
      return { status: 201, body: { workshop: await toInstructorWorkshopView(context, workshop) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops",
    handle: async ({ req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshops = await listWorkshops(context, instructor);
      return { body: { workshops: await Promise.all(workshops.map((w) => toInstructorWorkshopView(context, w))) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId",
    params: WorkshopParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, instructor, params.workshopId);
      return { body: { workshop: await toInstructorWorkshopView(context, workshop) } };
    },
  }),
  defineRoute({
    method: "PUT",
    path: "/api/workshops/:workshopId",
    params: WorkshopParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const body = await bodyOf(req, WorkshopFieldsBody.partial());
      const workshop = await updateWorkshop(context, instructor, params.workshopId, withoutUndefined(body));
      return { body: { workshop: await toInstructorWorkshopView(context, workshop) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/workshops/:workshopId/end",
    params: WorkshopParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await endWorkshop(context, instructor, params.workshopId);
      return { body: { workshop: await toInstructorWorkshopView(context, workshop) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/qr.svg",
    params: WorkshopParams,
    handle: async ({ params, req, res, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, instructor, params.workshopId);
      const svg = await QRCode.toString(joinUrlOf(context, workshop), {
        type: "svg",
        margin: 2,
        errorCorrectionLevel: "M",
      });
      res.writeHead(200, { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store" });
      res.end(svg);
      return undefined;
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/dashboard",
    params: WorkshopParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, instructor, params.workshopId);
      return {
        body: {
          workshop: await toInstructorWorkshopView(context, workshop),
          dashboard: await dashboardSnapshot(context, workshop),
        },
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/events",
    params: WorkshopParams,
    handle: async ({ params, req, res, context }) => {
      const session = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, session.instructor, params.workshopId);
      await streamDashboard(context, req, res, session, workshop);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/workshops/:workshopId/messages",
    params: WorkshopParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const { text } = await bodyOf(req, MessageBody);
      return { status: 202, body: await broadcastMessage(context, instructor, params.workshopId, text) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/participants/:participantId/terminal-ticket",
    params: ParticipantParams,
    handle: async ({ params, req, context }) => {
      const { instructor, tokenHash } = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, instructor, params.workshopId);
      const participant = await context.db.getParticipant(params.participantId);
      if (!participant || participant.workshopId !== workshop.id) throw workshopNotFound();
      const runs = await context.db.listWorkshopRuns(workshop.id);
      const run = runs.filter((r) => r.learnerId === participant.learnerId && r.status === "ready").at(-1);
      if (!run) throw new AppError("run_not_ready", "This learner has no running lab to watch right now.");
      const { ticket, expiresAt } = issueObserverTicket(context.config.secret, {
        runId: run.id,
        workshopId: workshop.id,
        instructorId: instructor.id,
        sessionTokenHash: tokenHash,
      });
      const terminals = context.scenarios(run.scenarioId)?.scenario.terminals ?? [];
      const terminal = terminals[0]?.id ?? "1";
      const query = new URLSearchParams({ run: run.id, terminal, observe: "1" });
      return {
        body: {
          ticket,
          runId: run.id,
          expiresAt: expiresAt.toISOString(),
          terminals: terminals.map(({ id, title, host }) => ({ id, title, host })),
          socketPath: `/ws/terminal?${query}`,
          // `new WebSocket(url, protocols)`: the ticket rides in the Sec-WebSocket-Protocol header.
          protocols: observerProtocols(ticket),
        },
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/results.csv",
    params: WorkshopParams,
    handle: async ({ params, req, res, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const workshop = await requireOwnedWorkshop(context, instructor, params.workshopId);
      const csv = toCsv(RESULTS_HEADER, await workshopResults(context, workshop));
      res.writeHead(200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="workshop-${workshop.id}-results.csv"`,
        "Cache-Control": "no-store",
      });
      res.end(csv);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/join",
    body: JoinBody,
    handle: async ({ body, learnerId, req, context }) => ({
      body: {
        workshop: await joinWorkshop(context, {
          learnerId,
          code: body.code,
          displayName: body.displayName,
          ip: clientAddressGroup(context.config, req),
        }),
      },
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/me/workshop",
    handle: async ({ learnerId, context }) => {
      const { workshop, participant } = await requireParticipation(context, learnerId);
      return { body: { workshop: toLearnerWorkshopView(context, workshop, participant) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/me/workshop/events",
    handle: async ({ learnerId, req, res, context }) => {
      await streamLearnerWorkshop(context, req, res, learnerId);
      return undefined;
    },
  }),
];

/**
 * The JSON body, read only after the caller was authorized (routes with a `body` schema parse it first,
 * which would answer 400 before 401 and tell strangers what a valid request looks like).
 */
async function bodyOf<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse((await readJsonBody(req)) ?? {});
  if (!parsed.success) {
    throw new AppError("invalid_request", `The request body is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
