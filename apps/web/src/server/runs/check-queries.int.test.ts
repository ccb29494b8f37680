// How many database queries a Check costs, counted with Prisma's query events on the real server and a
// real SQLite database: a Check is the request learners send most after keystrokes, so each query shows
// at 200 learners. Everything a Check records (attempt, event, step progress) is asserted to be there.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";

/** The most queries a failed Check may send (learner, run, attempt, event). */
const MAX_FAILED_CHECK_QUERIES = 4;
/** The most a passing Check that completes its step may send (those, plus marking the step completed). */
const MAX_PASSED_CHECK_QUERIES = 5;

const testId = randomBytes(6).toString("hex");
let folder: string;
let database: TestDatabase;
let server: WebTestServer;
let queries: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "circus-check-queries-"));
  await writeTestScenario(join(folder, "scenarios"));
  database = await sqliteTestDatabase("check-queries");
  server = await startWebTestServer({
    scenariosDir: join(folder, "scenarios"),
    databaseUrl: database.url,
    testId,
    secret: randomBytes(32).toString("base64url"),
    // The checkpoint a passed step takes is asynchronous and is not the Check's: it is left out here.
    env: { CIRCUS_CHECKPOINTS_PER_RUN: "0" },
    // Nor are the periodic sync of runs against the runtime and the workshop reservation scheduler.
    expirySyncIntervalMs: 3_600_000,
    workshops: { schedulerIntervalMs: 3_600_000 },
    onDatabaseQuery: (sql) => queries.push(sql),
  });
});
afterAll(async () => {
  await server?.close();
  await removeTestResources(testId);
  await database?.cleanup();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The queries `request` sent (the server answers only once its writes are done). */
async function queriesOf<T>(request: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  queries = [];
  const result = await request();
  return { result, sent: queries.filter((sql) => !/^(BEGIN|COMMIT)/i.test(sql)) };
}

describe("a Check", () => {
  it("costs a bounded number of database queries and records what it did", async () => {
    const client = new LearnerClient(server.origin);
    await client.visit();
    const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    const runId: string = started.json.run.id;
    expect((await pollUntilSettled(client, runId)).json.run.status).toBe("ready");
    await client.request("POST", `/api/runs/${runId}/steps/0/show`);

    const failed = await queriesOf(() => client.request("POST", `/api/runs/${runId}/steps/0/check`));
    expect(failed.result.json).toEqual({ passed: false, hint: "Create /root/made.txt first" });
    expect(failed.sent.length, failed.sent.join("\n")).toBeLessThanOrEqual(MAX_FAILED_CHECK_QUERIES);

    const run = await server.app.context.db.getRun(runId);
    await server.app.context.runtime
      .environment(run?.environmentId ?? "")
      .commands.run("node1", { script: "touch /root/made.txt" });
    const passed = await queriesOf(() => client.request("POST", `/api/runs/${runId}/steps/0/check`));
    expect(passed.result.json).toEqual({ passed: true });
    expect(passed.sent.length, passed.sent.join("\n")).toBeLessThanOrEqual(MAX_PASSED_CHECK_QUERIES);

    const { db } = server.app.context;
    const attempts = await db.listCheckAttempts(runId, 0);
    expect(attempts.map((attempt) => [attempt.kind, attempt.passed, attempt.hint])).toEqual([
      ["verify", false, "Create /root/made.txt first"],
      ["verify", true, null],
    ]);
    const events = await db.listEvents({ runId });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["check.failed", "check.passed"]));
    const next = await client.request("POST", `/api/runs/${runId}/next`);
    expect(next.json.run).toMatchObject({ currentStep: 1, steps: [{ completed: true }, { completed: false }] });
  });
});
