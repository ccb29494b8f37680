// Shared by the integration tests that play as a learner against a real server: start a run of a
// scenario and wait until its environment is ready (polling the run view, as the player does).
import { setTimeout as sleep } from "node:timers/promises";
import type { RunView } from "../../contract/run-view";
import type { LearnerClient } from "./web-test-server";

/** How long a start may take on a loaded shared machine before the test gives up. */
const READY_TIMEOUT_MS = 120_000;

/** Polls the run until it is ready; throws with the run view once it settles otherwise or the deadline passes. */
export async function waitForReadyRun(client: LearnerClient, runId: string): Promise<RunView> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const view = await client.request("GET", `/api/runs/${runId}`);
    if (view.json?.run?.status === "ready") return view.json.run;
    if (view.json?.run?.status !== "starting" || Date.now() > deadline) {
      throw new Error(`run ${runId} did not become ready: ${JSON.stringify(view.json)}`);
    }
    await sleep(200);
  }
}

/** Starts a run of `scenarioId` for `client` and waits until it is ready; returns its id. */
export async function startReadyRun(client: LearnerClient, scenarioId: string): Promise<string> {
  const started = await client.request("POST", "/api/runs", { body: { scenarioId } });
  if (started.status !== 202)
    throw new Error(`could not start a run: ${started.status} ${JSON.stringify(started.json)}`);
  const runId: string = started.json.run.id;
  await waitForReadyRun(client, runId);
  return runId;
}
