// The recording routes: a learner lists and downloads their own run's recordings; an instructor those
// of their workshop's runs (also after the workshop ended). Downloads are asciicast v2 `.cast` files.
import { z } from "zod";
import { defineRoute, type Route } from "../http/router";
import { requireInstructor } from "../instructors/instructor-session";
import { requireLearnerRecordingsRun, requireRunRecording, requireWorkshopRecordingsRun } from "./recording-access";
import { toRecordingView } from "./recording-view";
import { sendCast } from "./send-cast";

const Id = z.string().min(1).max(64);
const RunParams = z.object({ runId: Id });
const RecordingParams = RunParams.extend({ recordingId: Id });
const WorkshopRunParams = RunParams.extend({ workshopId: Id });
const WorkshopRecordingParams = RecordingParams.extend({ workshopId: Id });
const CastQuery = z.object({ download: z.enum(["0", "1"]).optional() });

export const recordingRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/runs/:runId/recordings",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => {
      const run = await requireLearnerRecordingsRun(context, learnerId, params.runId);
      return { body: { recordings: (await context.db.listRecordings(run.id)).map(toRecordingView) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/runs/:runId/recordings/:recordingId",
    params: RecordingParams,
    query: CastQuery,
    handle: async ({ params, query, learnerId, res, context }) => {
      const run = await requireLearnerRecordingsRun(context, learnerId, params.runId);
      const recording = await requireRunRecording(context, run, params.recordingId);
      await sendCast(context.db, res, run, recording, { download: query.download === "1" });
      return undefined;
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/runs/:runId/recordings",
    params: WorkshopRunParams,
    handle: async ({ params, req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const run = await requireWorkshopRecordingsRun(context, instructor, params.workshopId, params.runId);
      return { body: { recordings: (await context.db.listRecordings(run.id)).map(toRecordingView) } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/workshops/:workshopId/runs/:runId/recordings/:recordingId",
    params: WorkshopRecordingParams,
    query: CastQuery,
    handle: async ({ params, query, req, res, context }) => {
      const { instructor } = await requireInstructor(context, req);
      const run = await requireWorkshopRecordingsRun(context, instructor, params.workshopId, params.runId);
      const recording = await requireRunRecording(context, run, params.recordingId);
      await sendCast(context.db, res, run, recording, { download: query.download === "1" });
      return undefined;
    },
  }),
];
