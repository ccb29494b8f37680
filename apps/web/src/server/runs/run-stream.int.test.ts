// The player's run stream (GET /api/runs/:runId/events) against the real server (in-process), the real
// engine and a real HTTP client: the start is pushed (starting → ready) without polling, only the run's
// learner may listen, a newer stream of the same learner and run replaces the older, a host that stops on
// its own is pushed (and recorded), and the stream ends once the run ended.
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieHeaderOf, LAB_SCENARIO_ID, type LabFixture, startLabFixture } from "../terminals/terminal-test-client";
import type { LearnerClient } from "../test/web-test-server";
import { openSse, type SseTestClient } from "../workshops/sse-test-client";

let lab: LabFixture;
const streams: SseTestClient[] = [];

beforeAll(async () => {
  // A heartbeat far longer than any test: what a stream delivers was pushed, not found by the heartbeat's re-read.
  lab = await startLabFixture({}, { workshops: { heartbeatMs: 3_600_000 } });
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await lab?.dispose();
});

async function listen(learner: LearnerClient, runId: string): Promise<SseTestClient> {
  const stream = await openSse(`${lab.server.origin}/api/runs/${encodeURIComponent(runId)}/events`, {
    cookie: cookieHeaderOf(learner),
  });
  streams.push(stream);
  return stream;
}

async function stop(learner: LearnerClient, runId: string): Promise<void> {
  const stopped = await learner.request("POST", `/api/runs/${runId}/stop`);
  expect(stopped.status).toBe(200);
}

describe("run stream", () => {
  it("pushes the start of a run until it is ready, then its end, and closes", async () => {
    const learner = await lab.learner();
    const started = await learner.request("POST", "/api/runs", { body: { scenarioId: LAB_SCENARIO_ID } });
    expect(started.status).toBe(202);
    const runId: string = started.json.run.id;
    const stream = await listen(learner, runId);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);

    const ready = await stream.waitFor((event) => event.event === "run" && event.data.run.status === "ready", 90_000);
    expect(ready.data.run).toMatchObject({ id: runId, stage: "ready", hosts: ["node1"] });
    expect(ready.data.run.hostStates).toEqual([{ name: "node1", state: "running" }]);
    // The first view is the run as it was when the stream opened (starting, unless the start was that quick).
    expect(["starting", "ready"]).toContain(stream.events[0]?.data.run.status);
    expect(stream.events.every((event) => event.event === "run" && event.data.run.id === runId)).toBe(true);

    await stop(learner, runId);
    const last = await stream.waitFor((event) => event.data.run?.status === "stopped");
    expect(last.data.run.id).toBe(runId);
    await stream.ended;
    expect(lab.server.app.context.runEvents.counts).toEqual({ streams: 0, watchedRuns: 0 });
  });

  it("refuses another learner with 404, as the run's other routes do", async () => {
    const owner = await lab.learner();
    const runId = await lab.startReadyRun(owner);
    const stranger = await lab.learner();
    const refused = await listen(stranger, runId);
    expect(refused.status).toBe(404);
    expect(refused.contentType).toMatch(/^application\/json/);
    await refused.ended;
    const unknown = await listen(owner, "no-such-run");
    expect(unknown.status).toBe(404);

    // Without a learner cookie there is no learner to own it either.
    const anonymous = await openSse(`${lab.server.origin}/api/runs/${runId}/events`, {});
    streams.push(anonymous);
    expect(anonymous.status).toBe(404);
    await stop(owner, runId);
  });

  it("keeps one stream per learner and run: a newer one replaces the older", async () => {
    const learner = await lab.learner();
    const runId = await lab.startReadyRun(learner);
    const first = await listen(learner, runId);
    await first.waitFor((event) => event.event === "run");
    const second = await listen(learner, runId);
    await second.waitFor((event) => event.event === "run" && event.data.run.status === "ready");
    await first.waitFor((event) => event.event === "replaced");
    await first.ended;
    expect(lab.server.app.context.runEvents.counts.streams).toBe(1);

    await stop(learner, runId);
    await second.waitFor((event) => event.data.run?.status === "stopped");
    await second.ended;
  });

  it("pushes a host that stopped on its own, with why, and records it on the run", async () => {
    const learner = await lab.learner();
    const runId = await lab.startReadyRun(learner);
    const stream = await listen(learner, runId);
    await stream.waitFor((event) => event.data.run?.hostStates?.[0]?.state === "running");
    const { runtime } = lab.server.app.context;
    const environmentId = await lab.environmentOf(runId);
    const docker = await connectEngine();
    await docker.getContainer(runtime.containerOf(environmentId, "node1")).kill({ signal: "SIGKILL" });
    const stopped = await stream.waitFor((event) => event.data.run?.hostStates?.[0]?.state === "stopped", 20_000);
    expect(stopped.data.run.hostStates[0]).toMatchObject({ name: "node1", cause: "exited" });
    const events = await lab.server.app.context.db.listEvents({ runId, type: "host.stopped" });
    expect(events.map((event) => event.data)).toEqual([{ host: "node1", exitCode: 137 }]);
    await stop(learner, runId);
  });

  it("sends a run that ended already once, then closes", async () => {
    const learner = await lab.learner();
    const runId = await lab.startReadyRun(learner);
    await stop(learner, runId);
    const stream = await listen(learner, runId);
    await stream.ended;
    expect(stream.events.map((event) => [event.event, event.data.run.status])).toEqual([["run", "stopped"]]);
  });
});
