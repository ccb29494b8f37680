// The player's client for the runs API: one function per route, CSRF header included, every answer
// parsed with its schema. Failures become ApiError with the server's code and message.
import * as z from "zod/mini";
import { CSRF_HEADER, readCsrfToken } from "./csrf-token";
import {
  ApiErrorBodySchema,
  CheckResultSchema,
  FileContentSchema,
  MyLabsSchema,
  QuizResultSchema,
  ResumeResultSchema,
  RewindResultSchema,
  RunEnvelopeSchema,
  type RunView,
  SaveResultSchema,
  ShowStepResultSchema,
  SolutionSchema,
} from "./run-view";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type QuizAnswer = string | string[] | number[];

async function call<T extends z.ZodMiniType>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers[CSRF_HEADER] = readCsrfToken(document.cookie) ?? "";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", "Circus could not be reached. Check your connection and try again.");
  }
  const json: unknown = response.status === 204 ? {} : await response.json().catch(() => undefined);
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

const DeletedSchema = z.object({ deleted: z.literal(true) });

const runPath = (runId: string) => `/api/runs/${encodeURIComponent(runId)}`;
const stepPath = (runId: string, index: number) => `${runPath(runId)}/steps/${index}`;

export async function startRun(scenarioId: string): Promise<RunView> {
  return (await call("POST", "/api/runs", RunEnvelopeSchema, { scenarioId })).run;
}

export async function getRun(runId: string): Promise<RunView> {
  return (await call("GET", runPath(runId), RunEnvelopeSchema)).run;
}

export async function showStep(runId: string, index: number) {
  return call("POST", `${stepPath(runId, index)}/show`, ShowStepResultSchema, {});
}

export async function checkStep(runId: string, index: number) {
  return call("POST", `${stepPath(runId, index)}/check`, CheckResultSchema, {});
}

export async function submitQuiz(runId: string, index: number, answers: Record<string, QuizAnswer>) {
  return call("POST", `${stepPath(runId, index)}/quiz`, QuizResultSchema, { answers });
}

export async function fetchSolution(runId: string, index: number): Promise<string> {
  return (await call("POST", `${stepPath(runId, index)}/solution`, SolutionSchema, {})).solution;
}

export async function nextStep(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/next`, RunEnvelopeSchema, {})).run;
}

export async function extendRun(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/extend`, RunEnvelopeSchema, {})).run;
}

export async function restartHost(runId: string, host: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/hosts/${encodeURIComponent(host)}/restart`, RunEnvelopeSchema, {})).run;
}

export async function stopRun(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/stop`, RunEnvelopeSchema, {})).run;
}

const filesPath = (runId: string, host: string, path: string) =>
  `${runPath(runId)}/files?${new URLSearchParams({ host, path })}`;

export async function readRunFile(runId: string, host: string, path: string): Promise<string> {
  return (await call("GET", filesPath(runId, host, path), FileContentSchema)).content;
}

export async function writeRunFile(runId: string, host: string, path: string, content: string): Promise<void> {
  await call("PUT", filesPath(runId, host, path), z.partial(FileContentSchema), { content });
}

export async function rewindRun(runId: string, step: number) {
  return call("POST", `${runPath(runId)}/rewind`, RewindResultSchema, { step });
}

export async function saveRun(runId: string) {
  return call("POST", `${runPath(runId)}/save`, SaveResultSchema, {});
}

export async function resumeRun(runId: string) {
  return call("POST", `${runPath(runId)}/resume`, ResumeResultSchema, {});
}

export async function listMyLabs() {
  return call("GET", "/api/labs", MyLabsSchema);
}

export async function deleteMyLab(runId: string): Promise<void> {
  await call("DELETE", `/api/labs/${encodeURIComponent(runId)}`, DeletedSchema);
}
