// Per-address limits against the real server (in-process, no Next) and a real SQLite database: limiters
// count parallel requests before their first await, sign-up is limited and checks the invitation first,
// X-Forwarded-For counts only from CIRCUS_TRUSTED_PROXIES, and the per-address cap counts live runs from the
// database (a restart does not reset it).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { removeTestResources, SCENARIO_FILES, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { waitForReadyRun } from "../test/ready-run";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, TEST_SETUP_TOKEN, type WebTestServer } from "../test/web-test-server";

const testId = randomBytes(6).toString("hex");
const OTHER_SCENARIO_ID = "api-test-other";
/** The test scenario's one host is given the default 512 MiB. */
const FOOTPRINT_MIB = 512;
let folder: string;
const databases: TestDatabase[] = [];
const servers: WebTestServer[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "circus-web-limits-"));
  await writeTestScenario(join(folder, "scenarios"));
  // A second scenario, so that one learner can try to hold two environments.
  await mkdir(join(folder, "scenarios", OTHER_SCENARIO_ID), { recursive: true });
  for (const [path, content] of Object.entries(SCENARIO_FILES)) {
    await writeFile(join(folder, "scenarios", OTHER_SCENARIO_ID, path), content);
  }
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const database of databases.splice(0)) await database.cleanup();
});

afterAll(async () => {
  await removeTestResources(testId);
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<WebTestServer> {
  const database = await sqliteTestDatabase("circus-web-limits-");
  databases.push(database);
  const server = await startWebTestServer({
    scenariosDir: join(folder, "scenarios"),
    databaseUrl: database.url,
    testId,
    secret: randomBytes(32).toString("base64url"),
    env,
  });
  servers.push(server);
  return server;
}

async function visitor(server: WebTestServer): Promise<LearnerClient> {
  const client = new LearnerClient(server.origin);
  await client.visit();
  return client;
}

const wrongSignIn = (client: LearnerClient, headers: Record<string, string> = {}) =>
  client.request("POST", "/api/instructors/sign-in", {
    body: { email: "nobody@example.org", password: "not the password" },
    headers,
  });

// Wrong join codes cost no password hash: the cheap way to exercise the shared client-address function.
const wrongJoin = (client: LearnerClient, headers: Record<string, string> = {}) =>
  client.request("POST", "/api/join", { body: { code: "NOPE-NOPE", displayName: "Guesser" }, headers });

describe("per-address limits", () => {
  it("checks exactly 10 of 15 parallel wrong passwords (the limit), refusing the rest with 429 and Retry-After", async () => {
    const server = await start();
    const client = await visitor(server);
    const answers = await Promise.all(Array.from({ length: 15 }, () => wrongSignIn(client)));
    const checked = answers.filter((answer) => answer.status === 401);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(checked).toHaveLength(10);
    expect(limited).toHaveLength(5);
    for (const answer of limited) {
      expect(answer.json.error.code).toBe("rate_limited");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("gives back the token of a right password, so instructors who sign in are not counted", async () => {
    const server = await start({ CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE: "3" });
    const ada = await visitor(server);
    const body = {
      email: "ada@example.org",
      displayName: "Ada",
      password: "a long enough password",
      setupToken: TEST_SETUP_TOKEN,
    };
    expect((await ada.request("POST", "/api/instructors/sign-up", { body })).status).toBe(201);
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const answer = await ada.request("POST", "/api/instructors/sign-in", {
        body: { email: body.email, password: body.password },
      });
      expect(answer.status).toBe(200);
    }
    // The sign-up limit (3 here): an invitation-less attempt is refused before any password is hashed, and counted.
    const bob = await visitor(server);
    const attempt = (invitation?: string) =>
      bob.request("POST", "/api/instructors/sign-up", {
        body: { email: "bob@example.org", displayName: "Bob", password: "a long enough password", invitation },
      });
    expect((await attempt()).json.error.code).toBe("invitation_invalid");
    expect((await attempt("made-up-invitation")).json.error.code).toBe("invitation_invalid");
    const limited = await attempt("another-made-up-invitation");
    expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
    expect(limited.headers.get("retry-after")).not.toBeNull();
  });

  it("ignores X-Forwarded-For unless the peer is a trusted proxy", async () => {
    const direct = await start();
    const client = await visitor(direct);
    for (let guess = 0; guess < 10; guess += 1) await wrongJoin(client, { "x-forwarded-for": `203.0.113.${guess}` });
    // Every guess counted against the socket's own address, whatever the header said.
    expect((await wrongJoin(client, { "x-forwarded-for": "198.51.100.7" })).status).toBe(429);

    const proxied = await start({ CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32" });
    const behindProxy = await visitor(proxied);
    const first = { "x-forwarded-for": "203.0.113.5" };
    for (let guess = 0; guess < 10; guess += 1) expect((await wrongJoin(behindProxy, first)).status).toBe(404);
    expect((await wrongJoin(behindProxy, first)).status).toBe(429);
    // Another client behind the same proxy has its own count; a spoofed hop in front of it changes nothing.
    expect((await wrongJoin(behindProxy, { "x-forwarded-for": "198.51.100.7" })).status).toBe(404);
    expect((await wrongJoin(behindProxy, { "x-forwarded-for": "203.0.113.5, 198.51.100.7" })).status).toBe(404);
    // IPv6 clients count by /64.
    const v6 = (host: string) => ({ "x-forwarded-for": `2001:db8:1:2::${host}` });
    for (let guess = 1; guess <= 10; guess += 1) await wrongJoin(behindProxy, v6(guess.toString(16)));
    expect((await wrongJoin(behindProxy, v6("ffff"))).status).toBe(429);
    expect((await wrongJoin(behindProxy, { "x-forwarded-for": "2001:db8:1:3::1" })).status).toBe(404);
  });

  it("caps environments per learner, per address (behind a trusted proxy) and by the memory budget", async () => {
    const server = await start({
      // The suite's server lifts the per-holder caps; this test puts them back.
      CIRCUS_ENVIRONMENTS_PER_LEARNER: "1",
      CIRCUS_ENVIRONMENTS_PER_ADDRESS: "2",
      CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32",
      CIRCUS_MEMORY_BUDGET_MIB: String(3 * FOOTPRINT_MIB),
    });
    const startFrom = async (address: string, scenarioId = SCENARIO_ID, client?: LearnerClient) => {
      const learner = client ?? (await visitor(server));
      const answer = await learner.request("POST", "/api/runs", {
        body: { scenarioId },
        headers: { "x-forwarded-for": address },
      });
      return { learner, answer };
    };
    const first = await startFrom("203.0.113.1");
    expect(first.answer.status).toBe(202);
    const second = await startFrom("203.0.113.1", OTHER_SCENARIO_ID, first.learner);
    expect([second.answer.status, second.answer.json.error.code]).toEqual([429, "environments_per_learner"]);
    expect(second.answer.headers.get("retry-after")).not.toBeNull();

    expect((await startFrom("203.0.113.1")).answer.status).toBe(202);
    const third = await startFrom("203.0.113.1");
    expect([third.answer.status, third.answer.json.error.code]).toEqual([429, "environments_per_address"]);

    expect((await startFrom("198.51.100.1")).answer.status).toBe(202);
    // Three environments of 512 MiB fill the 1.5 GiB budget, whoever asks next.
    const over = await startFrom("192.0.2.1");
    expect([over.answer.status, over.answer.json.error.code]).toEqual([429, "capacity"]);
  });

  it("counts an address's live runs from the database, so a restart does not reset the per-address cap", async () => {
    const database = await sqliteTestDatabase("circus-web-limits-");
    databases.push(database);
    const options = {
      scenariosDir: join(folder, "scenarios"),
      databaseUrl: database.url,
      testId,
      secret: randomBytes(32).toString("base64url"),
      env: { CIRCUS_ENVIRONMENTS_PER_ADDRESS: "1", CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32" },
    };
    const from = { "x-forwarded-for": "203.0.113.77" };
    const before = await startWebTestServer(options);
    servers.push(before);
    const holder = await visitor(before);
    const started = await holder.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID }, headers: from });
    expect(started.status).toBe(202);
    const runId: string = started.json.run.id;
    await waitForReadyRun(holder, runId);
    await before.close();
    servers.splice(servers.indexOf(before), 1);

    // The same database after a restart: the run it holds still counts against its address.
    const after = await startWebTestServer(options);
    servers.push(after);
    holder.origin = after.origin;
    expect((await holder.request("GET", `/api/runs/${runId}`)).json.run.status).toBe("ready");
    const neighbour = await visitor(after);
    const refused = await neighbour.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID }, headers: from });
    expect([refused.status, refused.json.error.code]).toEqual([429, "environments_per_address"]);
    // Once the run ends, the address may start another.
    expect((await holder.request("POST", `/api/runs/${runId}/stop`)).status).toBeLessThan(300);
    const admitted = await neighbour.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID }, headers: from });
    expect(admitted.status).toBe(202);
  });

  it("lets a workshop's participants hold one environment per scenario of the workshop", async () => {
    const server = await start({ CIRCUS_ENVIRONMENTS_PER_LEARNER: "1" });
    const instructor = await visitor(server);
    const body = {
      email: "ada@example.org",
      displayName: "Ada",
      password: "a long enough password",
      setupToken: TEST_SETUP_TOKEN,
    };
    expect((await instructor.request("POST", "/api/instructors/sign-up", { body })).status).toBe(201);
    const created = await instructor.request("POST", "/api/workshops", {
      body: {
        title: "Two labs",
        scenarioIds: [SCENARIO_ID, OTHER_SCENARIO_ID],
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        capacity: 1,
        ttlSeconds: 900,
      },
    });
    expect(created.status).toBe(201);
    const participant = await visitor(server);
    const joined = await participant.request("POST", "/api/join", {
      body: { code: created.json.workshop.joinCode, displayName: "Grace" },
    });
    expect(joined.status).toBe(200);
    const startOf = (client: LearnerClient, scenarioId: string) =>
      client.request("POST", "/api/runs", { body: { scenarioId } });
    expect((await startOf(participant, SCENARIO_ID)).status).toBe(202);
    expect((await startOf(participant, OTHER_SCENARIO_ID)).status).toBe(202);
    // Outside the workshop the default holds: one environment per learner.
    const outsider = await visitor(server);
    expect((await startOf(outsider, SCENARIO_ID)).status).toBe(202);
    expect((await startOf(outsider, OTHER_SCENARIO_ID)).json.error.code).toBe("environments_per_learner");
  });
});
