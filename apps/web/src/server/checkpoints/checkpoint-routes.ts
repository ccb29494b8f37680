// The routes of checkpoints: rewind a run to the start of a step. Same rules as every run route (only
// the run's learner, 404 otherwise; CSRF through the dispatcher) and counted as a sandbox action (429).
import { z } from "zod";
import { defineRoute, type Route } from "../http/router";
import { takeSandboxAction } from "../runs/sandbox-action-limit";
import { rewindRun } from "./rewind-run";

const RunParams = z.object({ runId: z.string().min(1).max(64) });
const RewindBody = z.object({ step: z.number().int().min(0).max(10_000) });

export const checkpointRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/rewind",
    params: RunParams,
    body: RewindBody,
    handle: async ({ params, body, learnerId, context }) => {
      takeSandboxAction(context, learnerId, params.runId);
      return { body: await rewindRun(context, learnerId, params.runId, body.step) };
    },
  }),
];
