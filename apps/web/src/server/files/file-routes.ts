// GET/PUT /api/runs/:runId/files?host=&path=: the editor reads and saves a file in one of the run's
// hosts (learner-owned runs only; CSRF and errors handled by the router like every /api route).
import { z } from "zod";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { defineRoute } from "../http/router";
import { requireReadyLab } from "../runs/run-access";
import { takeSandboxAction } from "../runs/sandbox-action-limit";
import { editorPathSchema, MAX_EDITOR_FILE_BYTES, readEditorFile, writeEditorFile } from "./editor-files";

const paramsSchema = z.object({ runId: z.string().min(1).max(64) });
const querySchema = z.object({
  host: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "a host name"),
  path: editorPathSchema,
});
/** Content is checked in bytes by writeEditorFile; JSON escapes may make the body up to six times larger. */
const bodySchema = z.object({ content: z.string().max(MAX_EDITOR_FILE_BYTES) });

/** The environment of the learner's ready run (404 for another learner's run or an unknown host). */
async function environmentWithHost(context: ServerContext, learnerId: string, runId: string, hostName: string) {
  const { lab } = await requireReadyLab(context, learnerId, runId);
  if (!lab.environment.hosts.some((candidate) => candidate.name === hostName)) {
    throw new AppError("host_not_found", `This lab has no host ${hostName}.`);
  }
  const environment = context.runtime.environment(lab.environment.id);
  environment.touch();
  return environment;
}

export const readFileRoute = defineRoute({
  method: "GET",
  path: "/api/runs/:runId/files",
  params: paramsSchema,
  query: querySchema,
  handle: async ({ params, query, learnerId, context }) => {
    const environment = await environmentWithHost(context, learnerId, params.runId, query.host);
    return { body: { content: await readEditorFile(environment, query.host, query.path) } };
  },
});

export const writeFileRoute = defineRoute({
  method: "PUT",
  path: "/api/runs/:runId/files",
  params: paramsSchema,
  query: querySchema,
  body: bodySchema,
  maxBodyBytes: 6 * MAX_EDITOR_FILE_BYTES + 1024,
  handle: async ({ params, query, body, learnerId, context, logger }) => {
    await takeSandboxAction(context, learnerId, params.runId);
    const environment = await environmentWithHost(context, learnerId, params.runId, query.host);
    await writeEditorFile(environment, query.host, query.path, body.content);
    logger.debug({ run: params.runId, host: query.host, path: query.path }, "file saved");
    return { body: { ok: true } };
  },
});

/** The editor's routes, for the server's route table. */
export const fileRoutes = [readFileRoute, writeFileRoute];
