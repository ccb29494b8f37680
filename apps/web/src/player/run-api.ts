// The player's client for the runs API: one function per route, CSRF header included, every answer
// checked against its schema's shape (contract-shapes.ts, generated from the zod contract: the browser
// does not load zod). Failures become ApiError with the server's code and message.
import {
  ApiErrorBodyShape,
  CheckResultShape,
  DeletedShape,
  FileContentShape,
  FileWriteResultShape,
  MyLabsShape,
  QuizResultShape,
  ResumeResultShape,
  RewindResultShape,
  RunEnvelopeShape,
  SaveResultShape,
  ShowStepResultShape,
  SolutionShape,
} from "../contract/contract-shapes";
import { hasShape, type Shaped } from "../contract/json-shape";
import { CSRF_HEADER, readCsrfToken } from "./csrf-token";
import type { RunView } from "./run-view";

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

/** One request; the answer must have `shape` (a contract schema's, typed by the schema's output). */
async function call<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  shape: Shaped<T>,
  body?: unknown,
): Promise<T> {
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
    throw hasShape(ApiErrorBodyShape, json)
      ? new ApiError(response.status, json.error.code, json.error.message)
      : new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  if (!hasShape(shape, json))
    throw new ApiError(response.status, "bad_response", "The server sent an answer this page does not understand.");
  return json;
}

const runPath = (runId: string) => `/api/runs/${encodeURIComponent(runId)}`;
const stepPath = (runId: string, index: number) => `${runPath(runId)}/steps/${index}`;

export async function startRun(scenarioId: string): Promise<RunView> {
  return (await call("POST", "/api/runs", RunEnvelopeShape, { scenarioId })).run;
}

export async function getRun(runId: string): Promise<RunView> {
  return (await call("GET", runPath(runId), RunEnvelopeShape)).run;
}

export async function showStep(runId: string, index: number) {
  return call("POST", `${stepPath(runId, index)}/show`, ShowStepResultShape, {});
}

export async function checkStep(runId: string, index: number) {
  return call("POST", `${stepPath(runId, index)}/check`, CheckResultShape, {});
}

export async function submitQuiz(runId: string, index: number, answers: Record<string, QuizAnswer>) {
  return call("POST", `${stepPath(runId, index)}/quiz`, QuizResultShape, { answers });
}

export async function fetchSolution(runId: string, index: number): Promise<string> {
  return (await call("POST", `${stepPath(runId, index)}/solution`, SolutionShape, {})).solution;
}

export async function nextStep(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/next`, RunEnvelopeShape, {})).run;
}

export async function extendRun(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/extend`, RunEnvelopeShape, {})).run;
}

export async function restartHost(runId: string, host: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/hosts/${encodeURIComponent(host)}/restart`, RunEnvelopeShape, {})).run;
}

export async function stopRun(runId: string): Promise<RunView> {
  return (await call("POST", `${runPath(runId)}/stop`, RunEnvelopeShape, {})).run;
}

const filesPath = (runId: string, host: string, path: string) =>
  `${runPath(runId)}/files?${new URLSearchParams({ host, path })}`;

export async function readRunFile(runId: string, host: string, path: string): Promise<string> {
  return (await call("GET", filesPath(runId, host, path), FileContentShape)).content;
}

export async function writeRunFile(runId: string, host: string, path: string, content: string): Promise<void> {
  await call("PUT", filesPath(runId, host, path), FileWriteResultShape, { content });
}

export async function rewindRun(runId: string, step: number) {
  return call("POST", `${runPath(runId)}/rewind`, RewindResultShape, { step });
}

export async function saveRun(runId: string) {
  return call("POST", `${runPath(runId)}/save`, SaveResultShape, {});
}

export async function resumeRun(runId: string) {
  return call("POST", `${runPath(runId)}/resume`, ResumeResultShape, {});
}

export async function listMyLabs() {
  return call("GET", "/api/labs", MyLabsShape);
}

export async function deleteMyLab(runId: string): Promise<void> {
  await call("DELETE", `/api/labs/${encodeURIComponent(runId)}`, DeletedShape);
}
