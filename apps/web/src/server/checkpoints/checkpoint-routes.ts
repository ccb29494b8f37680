// The routes of checkpoints and saved labs: rewind a run to the start of a step, save and leave, resume,
// and the learner's "My labs" (list, delete). Same rules as every run route (only the run's learner, 404
// otherwise; CSRF through the dispatcher); each counts as a sandbox action of the run, and a rewind or resume as a host rebuild (429 when too many).
import { z } from "zod";
import { defineRoute, type Route } from "../http/router";
import { takeHostRebuild, takeSandboxAction } from "../runs/sandbox-action-limit";
import { resumeRun } from "./resume-run";
import { rewindRun } from "./rewind-run";
import { deleteMyLab, listMyLabs, saveRun } from "./save-run";

const RunParams = z.object({ runId: z.string().min(1).max(64) });
const RewindBody = z.object({ step: z.number().int().min(0).max(10_000) });

export const checkpointRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/rewind",
    params: RunParams,
    body: RewindBody,
    handle: async ({ params, body, learnerId, context }) => {
      await takeSandboxAction(context, learnerId, params.runId);
      await takeHostRebuild(context, learnerId, params.runId);
      return { body: await rewindRun(context, learnerId, params.runId, body.step) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/save",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => {
      await takeSandboxAction(context, learnerId, params.runId);
      return { body: await saveRun(context, learnerId, params.runId) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/resume",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => {
      await takeSandboxAction(context, learnerId, params.runId);
      await takeHostRebuild(context, learnerId, params.runId);
      return { body: await resumeRun(context, learnerId, params.runId) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/labs",
    handle: async ({ learnerId, context }) => ({ body: await listMyLabs(context, learnerId) }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/labs/:runId",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => {
      await takeSandboxAction(context, learnerId, params.runId);
      await deleteMyLab(context, learnerId, params.runId);
      return { body: { deleted: true } };
    },
  }),
];
