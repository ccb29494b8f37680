// The /api/runs routes of the contract: parse with zod, call one domain function, answer JSON.
import { z } from "zod";
import { savingAllowed } from "../checkpoints/saving-allowed";
import { clientAddressGroup } from "../http/client-address";
import { defineRoute, type Route } from "../http/router";
import { restartRunHost } from "./run-hosts";
import { extendRun, nextRunStep, stopRun, viewRun } from "./run-lifecycle";
import { answerRunQuiz, checkRunStep, runStepSolution, showRunStep } from "./run-steps";
import { streamRun } from "./run-stream";
import { toRunView } from "./run-view";
import { takeHostRebuild, takeSandboxAction } from "./sandbox-action-limit";
import { startRun } from "./start-run";

const RunParams = z.object({ runId: z.string().min(1).max(64) });
const StepParams = RunParams.extend({ index: z.coerce.number().int().min(0).max(10_000) });
const HostParams = RunParams.extend({ host: z.string().min(1).max(63) });
const StartBody = z.object({ scenarioId: z.string().min(1).max(200) });
const QuizBody = z.object({
  answers: z.record(
    z.string().max(200),
    z.union([z.string().max(2_000), z.array(z.string().max(2_000)).max(100), z.array(z.number().int()).max(100)]),
  ),
});

/** The longest POST /api/runs waits for a warm pool's claim before it answers a run still starting. */
export const WARM_START_ANSWER_WAIT_MS = 2_000;

export const runRoutes: readonly Route[] = [
  defineRoute({
    method: "POST",
    path: "/api/runs",
    body: StartBody,
    handle: async ({ body, learnerId, req, context }) => {
      const { run, resumed, warm } = await startRun(context, {
        learnerId,
        scenarioId: body.scenarioId,
        ip: clientAddressGroup(context.config, req),
      });
      // A claim from a warm pool takes tens of milliseconds: the answer waits for it (bounded) and is the
      // run as GET answers it, so the player gets a ready lab and opens its terminal at once.
      if (warm && (await context.launches.settled(run.id, WARM_START_ANSWER_WAIT_MS)))
        return { status: 202, body: { run: await viewRun(context, learnerId, run.id) } };
      const found = context.scenarios(run.scenarioId);
      const progress = await context.db.listStepProgress(run.id);
      const view = found
        ? toRunView(run, found.scenario, progress, { savingAllowed: await savingAllowed(context, run) })
        : run;
      return { status: resumed ? 200 : 202, body: { run: view } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/runs/:runId",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => ({
      body: { run: await viewRun(context, learnerId, params.runId) },
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/runs/:runId/events",
    params: RunParams,
    handle: async ({ params, learnerId, req, res, context }) => {
      await streamRun(context, req, res, learnerId, params.runId);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/steps/:index/show",
    params: StepParams,
    handle: async ({ params, learnerId, context }) => ({ body: await showRunStep(context, { learnerId, ...params }) }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/steps/:index/check",
    params: StepParams,
    handle: async ({ params, learnerId, context }) => {
      await takeSandboxAction(context, learnerId, params.runId);
      return { body: await checkRunStep(context, { learnerId, ...params }) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/steps/:index/quiz",
    params: StepParams,
    body: QuizBody,
    handle: async ({ params, body, learnerId, context }) => ({
      body: await answerRunQuiz(context, { learnerId, ...params }, body.answers),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/steps/:index/solution",
    params: StepParams,
    handle: async ({ params, learnerId, context }) => ({
      body: await runStepSolution(context, { learnerId, ...params }),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/next",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => ({
      body: { run: await nextRunStep(context, learnerId, params.runId) },
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/extend",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => ({
      body: { run: await extendRun(context, learnerId, params.runId) },
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/hosts/:host/restart",
    params: HostParams,
    handle: async ({ params, learnerId, context }) => {
      await takeHostRebuild(context, learnerId, params.runId);
      return { body: { run: await restartRunHost(context, learnerId, params.runId, params.host) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/runs/:runId/stop",
    params: RunParams,
    handle: async ({ params, learnerId, context }) => ({
      body: { run: await stopRun(context, learnerId, params.runId) },
    }),
  }),
];
