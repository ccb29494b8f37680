// Workshop reservations count against the same machine budget as learners' runs (real server in-process,
// real engine, real SQLite): a second workshop cannot reserve what the first holds, and a learner's start
// is refused while reservations fill the budget.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, TEST_SETUP_TOKEN, type WebTestServer } from "../test/web-test-server";

/** The test scenario's one host is given the default 512 MiB. */
const FOOTPRINT_MIB = 512;
const testId = randomBytes(6).toString("hex");
let folder: string;
let database: TestDatabase;
let server: WebTestServer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "circus-web-budget-"));
  await writeTestScenario(join(folder, "scenarios"));
  database = await sqliteTestDatabase("circus-web-budget-");
  server = await startWebTestServer({
    scenariosDir: join(folder, "scenarios"),
    databaseUrl: database.url,
    testId,
    secret: randomBytes(32).toString("base64url"),
    env: { CIRCUS_MEMORY_BUDGET_MIB: String(2 * FOOTPRINT_MIB) },
    workshops: { heartbeatMs: 300, schedulerIntervalMs: 300 },
  });
});

afterAll(async () => {
  await server?.close();
  await removeTestResources(testId);
  await database?.cleanup();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function eventually(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("workshop reservations and the machine budget", () => {
  it("never reserve more than the budget holds, for all workshops and learners together", async () => {
    const instructor = new LearnerClient(server.origin);
    await instructor.visit();
    const body = {
      email: "ada@example.org",
      displayName: "Ada",
      password: "a long enough password",
      setupToken: TEST_SETUP_TOKEN,
    };
    expect((await instructor.request("POST", "/api/instructors/sign-up", { body })).status).toBe(201);
    const workshop = async (title: string) => {
      const created = await instructor.request("POST", "/api/workshops", {
        body: {
          title,
          scenarioIds: [SCENARIO_ID],
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          capacity: 2,
          ttlSeconds: 900,
        },
      });
      expect(created.status).toBe(201);
      return created.json.workshop.id as string;
    };
    const { reservations } = server.app.context.workshops;
    const first = await workshop("First");
    await eventually(() => reservations.stats(first).target === 2, "the first workshop's reservation");
    const second = await workshop("Second");
    // Several scheduler passes (300 ms apart) size the second workshop against what is left: nothing.
    await reservations.reconcile();
    await reservations.reconcile();
    await reservations.reconcile();
    expect(reservations.stats(second).target).toBe(0);
    expect(reservations.stats(first).target).toBe(2);

    const learner = new LearnerClient(server.origin);
    await learner.visit();
    const start = await learner.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    expect([start.status, start.json.error.code]).toEqual([429, "capacity"]);
  });
});
