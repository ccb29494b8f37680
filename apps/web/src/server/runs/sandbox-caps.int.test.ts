// Caps on what one learner can make the server hold or run, against the real server (in-process), the real
// engine and real clients: terminal sockets per run (close 4429), sandbox actions per run (429), host rebuilds per run (429), preview
// requests in flight per environment (429) with a response timeout (504), event streams per learner (429).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../../contract/terminal-protocol";
import {
  cookieHeaderOf,
  LAB_HOST,
  LAB_SCENARIO_ID,
  type LabFixture,
  startLabFixture,
  TerminalTestClient,
} from "../terminals/terminal-test-client";
import { type LearnerClient, TEST_SETUP_TOKEN } from "../test/web-test-server";
import { openSse } from "../workshops/sse-test-client";

let lab: LabFixture;
const sockets: TerminalTestClient[] = [];

beforeAll(async () => {
  lab = await startLabFixture({
    CIRCUS_TERMINAL_SOCKETS_PER_RUN: "2",
    CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE: "3",
    CIRCUS_PREVIEW_REQUESTS_PER_ENVIRONMENT: "1",
    CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS: "2",
    CIRCUS_EVENT_STREAMS_PER_HOLDER: "1",
    CIRCUS_HOST_REBUILDS_PER_RUN_PER_HOUR: "2",
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.socket.terminate();
  await lab?.dispose();
});

async function readyRun(): Promise<{ learner: LearnerClient; runId: string }> {
  const learner = await lab.learner();
  return { learner, runId: await lab.startReadyRun(learner) };
}

function terminal(learner: LearnerClient, runId: string, id: string): TerminalTestClient {
  const client = new TerminalTestClient(lab.server.origin, {
    run: runId,
    terminal: id,
    cookie: cookieHeaderOf(learner),
  });
  sockets.push(client);
  return client;
}

describe("caps", () => {
  it("closes a run's terminal socket over the per-run cap with 4429, and takes one again once a slot is free", async () => {
    const { learner, runId } = await readyRun();
    const first = terminal(learner, runId, "1");
    const second = terminal(learner, runId, "2");
    await first.waitForHello();
    await second.waitForHello();
    const third = terminal(learner, runId, "3");
    const refused = await third.closed;
    expect(refused.code).toBe(CLOSE_CODES.tooManySockets);
    expect(refused.reason).toMatch(/too many terminals/);
    first.close();
    await first.closed;
    const again = terminal(learner, runId, "3");
    await again.waitForHello();
  });

  it("limits checks, file saves and preview relays of one run per minute (429 with Retry-After), whatever the mix", async () => {
    const { learner, runId } = await readyRun();
    const save = (content: string) =>
      learner.request("PUT", `/api/runs/${runId}/files?host=${LAB_HOST}&path=/root/note.txt`, { body: { content } });
    for (const content of ["one", "two", "three"]) expect((await save(content)).status).toBe(200);
    const limited = await save("four");
    expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const check = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect(check.status).toBe(429);
    // A preview relay (a process in the sandbox too) counts against the same budget.
    const relay = await fetch(`${lab.server.origin}/preview/${runId}/${LAB_HOST}/8000/`, {
      headers: { cookie: cookieHeaderOf(learner) },
    });
    expect(relay.status).toBe(429);
    expect(relay.headers.get("retry-after")).not.toBeNull();
  });

  it("limits host restarts and rewinds of one run per hour (429 with Retry-After); another run keeps its own", async () => {
    const { learner, runId } = await readyRun();
    const restart = () => learner.request("POST", `/api/runs/${runId}/hosts/${LAB_HOST}/restart`);
    expect((await restart()).status).toBe(200);
    expect((await restart()).status).toBe(200);
    const limited = await restart();
    expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
    expect(limited.json.error.message).toMatch(/too often in the last hour/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(60);
    // A rewind recreates the hosts too: it counts against the same budget.
    const rewind = await learner.request("POST", `/api/runs/${runId}/rewind`, { body: { step: 0 } });
    expect(rewind.status).toBe(429);
    const other = await readyRun();
    expect((await other.learner.request("POST", `/api/runs/${other.runId}/hosts/${LAB_HOST}/restart`)).status).toBe(
      200,
    );
  });

  it("refuses a preview request over the per-environment cap (429) and times out one the server never answers (504)", async () => {
    const { learner, runId } = await readyRun();
    const shell = terminal(learner, runId, "1");
    await shell.waitForHello();
    // A server that accepts connections and never answers.
    shell.type(
      `python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 8000)); s.listen(16); print("listening-" + str(6*7), flush=True); held=[s.accept() for _ in range(16)]; time.sleep(999)'\r`,
    );
    await shell.waitForText(/listening-42/);
    const preview = () =>
      fetch(`${lab.server.origin}/preview/${runId}/${LAB_HOST}/8000/`, {
        headers: { cookie: cookieHeaderOf(learner) },
      });
    const hanging = preview();
    // The first request holds the environment's only slot until it times out.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 20 && !refused; attempt += 1) {
      const answer = await preview();
      if (answer.status === 429) refused = answer;
      await answer.text();
    }
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get("retry-after")).not.toBeNull();
    const timedOut = await hanging;
    expect(timedOut.status).toBe(504);
    expect(await timedOut.text()).toMatch(/did not start answering within 2 seconds/);
  });

  it("refuses a learner's second event stream (429) until the first closes", async () => {
    const { learner } = await readyRun();
    const admin = await lab.learner();
    const body = {
      email: "ada@example.org",
      displayName: "Ada",
      password: "a long enough password",
      setupToken: TEST_SETUP_TOKEN,
    };
    expect((await admin.request("POST", "/api/instructors/sign-up", { body })).status).toBe(201);
    const now = Date.now();
    const created = await admin.request("POST", "/api/workshops", {
      body: {
        title: "Caps",
        scenarioIds: [LAB_SCENARIO_ID],
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        capacity: 2,
        ttlSeconds: 900,
      },
    });
    expect(created.status).toBe(201);
    const joined = await learner.request("POST", "/api/join", {
      body: { code: created.json.workshop.joinCode, displayName: "Grace" },
    });
    expect(joined.status).toBe(200);
    const url = `${lab.server.origin}/api/me/workshop/events`;
    const headers = { cookie: cookieHeaderOf(learner) };
    const first = await openSse(url, headers);
    expect(first.status).toBe(200);
    const second = await openSse(url, headers);
    expect(second.status).toBe(429);
    second.close();
    first.close();
    let third = await openSse(url, headers);
    for (let attempt = 0; attempt < 50 && third.status === 429; attempt += 1) {
      third.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      third = await openSse(url, headers);
    }
    expect(third.status).toBe(200);
    third.close();
  });
});
