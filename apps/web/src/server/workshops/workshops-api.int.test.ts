// The workshops API against the real server (in-process, no Next), the real Docker engine (runtime
// labelled `circus.test=<id>`) and real databases (SQLite and PostgreSQL): instructor accounts, joining,
// reserved capacity, the live dashboard, broadcast and watching, the end, the CSV, and who may do what.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { postgresTestDatabase, sqliteTestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";
import { authorizeObserver } from "./observer-ticket";
import { openSse, type SseTestClient } from "./sse-test-client";
import { WORKSHOP_LABEL } from "./workshop-phase";

interface DatabaseFixture {
  url: string;
  cleanup(): Promise<void>;
}

const SETUP_TOKEN = randomBytes(32).toString("base64url");
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

function cookieHeader(client: LearnerClient): Record<string, string> {
  return { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
}

async function containersOfWorkshop(workshopId: string): Promise<number> {
  const docker = await connectEngine();
  return (await docker.listContainers({ all: true, filters: { label: [`${WORKSHOP_LABEL}=${workshopId}`] } })).length;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function defineWorkshopsSuite(name: string, createDatabase: () => Promise<DatabaseFixture>): void {
  describe(name, () => {
    const testId = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    let folder: string;
    let database: DatabaseFixture;
    let server: WebTestServer;
    const streams: SseTestClient[] = [];
    const start = () =>
      startWebTestServer({
        scenariosDir: join(folder, "scenarios"),
        databaseUrl: database.url,
        testId,
        secret,
        env: {
          CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000",
          CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE: "1000",
          CIRCUS_SETUP_TOKEN: SETUP_TOKEN,
        },
        workshops: { heartbeatMs: 300, schedulerIntervalMs: 300 },
      });
    // Filled in as the tests go (they run in order).
    const people = {} as Record<"ada" | "bob" | "carol" | "visitor", LearnerClient>;
    const learners: { client: LearnerClient; participantId: string }[] = [];
    let workshopId = "";
    let joinCode = "";
    let laterCode = "";

    async function visitor(): Promise<LearnerClient> {
      const client = new LearnerClient(server.origin);
      await client.visit();
      return client;
    }
    async function sse(client: LearnerClient, path: string): Promise<SseTestClient> {
      const stream = await openSse(`${server.origin}${path}`, cookieHeader(client));
      streams.push(stream);
      return stream;
    }

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "circus-web-workshops-"));
      await writeTestScenario(join(folder, "scenarios"));
      database = await createDatabase();
      server = await start();
    });

    afterAll(async () => {
      for (const stream of streams) stream.close();
      await server?.close();
      await removeTestResources(testId);
      await database?.cleanup();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it("makes exactly one of many parallel sign-ups with the setup token the admin, others only by invitation, and keeps sessions across a restart", async () => {
      const first = await visitor();
      expect((await first.request("GET", "/api/instructors/setup")).json).toEqual({
        firstAccount: true,
        setupTokenRequired: true,
      });
      const signUp = (client: LearnerClient, email: string, invitation?: string, setupToken?: string) =>
        client.request("POST", "/api/instructors/sign-up", {
          body: { email, displayName: email.split("@")[0], password: "a long enough password", invitation, setupToken },
        });
      // Reaching a fresh server is not enough to become its admin.
      const without = await signUp(first, "first@example.org");
      expect([without.status, without.json.error.code]).toEqual([403, "setup_token_required"]);
      const wrongToken = await signUp(first, "first@example.org", undefined, `${SETUP_TOKEN}x`);
      expect([wrongToken.status, wrongToken.json.error.code]).toEqual([403, "setup_token_invalid"]);

      // Six sign-ups race with the token: exactly one becomes the admin ("ada" from here on).
      const racers = await Promise.all(Array.from({ length: 6 }, () => visitor()));
      const raced = await Promise.all(
        racers.map((client, i) =>
          signUp(client, i === 0 ? "ada@example.org" : `racer${i}@example.org`, undefined, SETUP_TOKEN),
        ),
      );
      expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of raced) if (r.status === 409) expect(r.json.error.code).toBe("setup_claimed");
      const winner = raced.findIndex((r) => r.status === 201);
      const ada = racers[winner]!;
      const adaUp = raced[winner]!;
      expect(adaUp.json.instructor).toMatchObject({ isAdmin: true });
      const cookie = adaUp.headers.getSetCookie().find((c) => c.startsWith("circus_instructor="));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      const late = await signUp(first, "first@example.org", undefined, SETUP_TOKEN);
      expect([late.status, late.json.error.code]).toEqual([409, "setup_claimed"]);
      expect((await first.request("GET", "/api/instructors/setup")).json).toEqual({
        firstAccount: false,
        setupTokenRequired: false,
      });

      const bob = await visitor();
      const refused = await signUp(bob, "bob@example.org");
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe("invitation_invalid");

      const invite = async () => (await ada.request("POST", "/api/instructors/invitations")).json.invitation.token;
      // The link an admin shares opens the instructor sign-up page with the token.
      const shared = (await ada.request("POST", "/api/instructors/invitations")).json.invitation;
      expect(shared.signUpPath).toBe(`/instructor/sign-up?invitation=${encodeURIComponent(shared.token)}`);
      const bobToken = await invite();
      expect((await signUp(bob, "bob@example.org", bobToken)).json.instructor).toMatchObject({ isAdmin: false });
      const carol = await visitor();
      expect((await signUp(carol, "carol@example.org", bobToken)).status).toBe(403);
      expect((await signUp(carol, "carol@example.org", await invite())).status).toBe(201);
      const notAdmin = await bob.request("POST", "/api/instructors/invitations");
      expect([notAdmin.status, notAdmin.json.error.code]).toEqual([403, "forbidden"]);

      // Sign out, a wrong password, sign in again.
      expect((await bob.request("POST", "/api/instructors/sign-out")).status).toBe(200);
      expect((await bob.request("GET", "/api/instructors/me")).status).toBe(401);
      const wrong = await bob.request("POST", "/api/instructors/sign-in", {
        body: { email: "bob@example.org", password: "not the password" },
      });
      expect([wrong.status, wrong.json.error.code]).toEqual([401, "invalid_credentials"]);
      const signedIn = await bob.request("POST", "/api/instructors/sign-in", {
        body: { email: "BOB@example.org", password: "a long enough password" },
      });
      expect(signedIn.status).toBe(200);

      // A new server on the same database still knows the sessions.
      await server.close();
      server = await start();
      for (const client of [ada, bob, carol]) client.origin = server.origin;
      expect((await bob.request("GET", "/api/instructors/me")).json.instructor.email).toBe("bob@example.org");
      Object.assign(people, { ada, bob, carol, visitor: await visitor() });
    });

    it("creates a workshop with a join code, link and QR code; three learners join, the fourth is refused politely", async () => {
      const { bob } = people;
      const created = await bob.request("POST", "/api/workshops", {
        body: {
          title: "Containers 101",
          scenarioIds: [SCENARIO_ID],
          startsAt: minutes(-1),
          endsAt: minutes(60),
          capacity: 3,
          ttlSeconds: 900,
        },
      });
      expect(created.status).toBe(201);
      const workshop = created.json.workshop;
      expect(workshop).toMatchObject({ title: "Containers 101", capacity: 3, phase: "running", ttlSeconds: 900 });
      expect(workshop.joinCode).toMatch(/^[A-Z2-9]{12}$/);
      expect(workshop.joinPath).toBe(`/join/${workshop.joinCode}`);
      expect(workshop.scenarios[0]).toMatchObject({ id: SCENARIO_ID, title: "API test" });
      workshopId = workshop.id;
      joinCode = workshop.joinCode;

      const qr = await fetch(`${server.origin}${workshop.qrPath}`, { headers: cookieHeader(bob) });
      expect(qr.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
      expect(await qr.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

      for (const displayName of ["Grace", "=2+3", "Linus"]) {
        const client = await visitor();
        const joined = await client.request("POST", "/api/join", {
          body: { code: joinCode.toLowerCase().replace(/(.{4})/g, "$1-"), displayName },
        });
        expect(joined.status).toBe(200);
        expect(joined.json.workshop).toMatchObject({ id: workshopId, participant: { displayName } });
        expect(joined.json.workshop.scenarios.map((s: { id: string }) => s.id)).toEqual([SCENARIO_ID]);
        expect((await client.request("GET", "/api/me/workshop")).json.workshop.id).toBe(workshopId);
        learners.push({ client, participantId: joined.json.workshop.participant.id });
      }
      const late = await visitor();
      const full = await late.request("POST", "/api/join", { body: { code: joinCode, displayName: "Late" } });
      expect(full.status).toBe(409);
      expect(full.json.error).toMatchObject({ code: "workshop_full" });
      expect(full.json.error.message).toMatch(/Sorry, this workshop is full: all 3 seats are taken/);

      const later = await bob.request("POST", "/api/workshops", {
        body: {
          title: "Tomorrow",
          scenarioIds: [SCENARIO_ID],
          startsAt: minutes(24 * 60),
          endsAt: minutes(25 * 60),
          capacity: 5,
          allowSaving: false,
        },
      });
      // Saving is allowed unless the instructor forbids it (the player then refuses "Save and leave").
      expect(workshop.allowSaving).toBe(true);
      expect(later.json.workshop.allowSaving).toBe(false);
      laterCode = later.json.workshop.joinCode;
      const early = await late.request("POST", "/api/join", { body: { code: laterCode, displayName: "Early" } });
      expect([early.status, early.json.error.code]).toEqual([409, "workshop_not_open"]);
    });

    it("reserves environments for the expected learners and reports them ready", async () => {
      const { reservations } = server.app.context.workshops;
      await eventually(async () => reservations.stats(workshopId).target === 3, "the reservation's target");
      await reservations.whenReserved(workshopId);
      expect(await containersOfWorkshop(workshopId)).toBe(3);
      const dashboard = await people.bob.request("GET", `/api/workshops/${workshopId}/dashboard`);
      expect(dashboard.json.workshop.reserve).toMatchObject({ target: 3, ready: 3 });
    });

    it("starts a participant's run from the reserved pool and shows their checks live on the dashboard", async () => {
      const events = await sse(people.bob, `/api/workshops/${workshopId}/events`);
      const snapshot = await events.waitFor((e) => e.event === "snapshot");
      expect(snapshot.data.rows).toHaveLength(3);
      expect(snapshot.data.rows[0]).toMatchObject({ displayName: "Grace", runId: null, stuck: false });

      const [grace] = learners;
      if (!grace) throw new Error("no learner");
      const started = await grace.client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
      const runId: string = started.json.run.id;
      expect((await pollUntilSettled(grace.client, runId)).json.run.status).toBe("ready");
      const run = await server.app.context.db.getRun(runId);
      expect(run?.workshopId).toBe(workshopId);
      const environment = server.app.context.runtime.get(run?.environmentId ?? "");
      expect(environment?.spec.labels).toMatchObject({
        "circus.pool": `ws-${workshopId}`,
        [WORKSHOP_LABEL]: workshopId,
      });

      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const check = await grace.client.request("POST", `/api/runs/${runId}/steps/0/check`);
        expect(check.json.passed).toBe(false);
        const row = await events.waitFor(
          (e) => e.event === "row" && e.data.participantId === grace.participantId && e.data.checks.failed === attempt,
        );
        expect(row.data).toMatchObject({ runId, currentStep: 0, stepTitle: "Make a file", status: "ready" });
        expect(row.data.stuck).toBe(attempt >= 3);
      }
      const funnel = await events.waitFor((e) => e.event === "funnel");
      expect(funnel.data[0].steps[0]).toMatchObject({ index: 0, reached: 1, completed: 0 });
    });

    it("broadcasts messages to learners and tells a learner while their terminal is watched", async () => {
      const [grace, second] = learners;
      if (!grace || !second) throw new Error("no learners");
      const graceEvents = await sse(grace.client, "/api/me/workshop/events");
      const otherEvents = await sse(second.client, "/api/me/workshop/events");
      expect((await graceEvents.waitFor((e) => e.event === "hello")).data).toMatchObject({
        watched: false,
        workshop: { id: workshopId },
      });
      await otherEvents.waitFor((e) => e.event === "hello");
      const sent = await people.bob.request("POST", `/api/workshops/${workshopId}/messages`, {
        body: { text: "Break in 5 minutes" },
      });
      expect([sent.status, sent.json.delivered]).toEqual([202, 2]);
      for (const stream of [graceEvents, otherEvents]) {
        expect((await stream.waitFor((e) => e.event === "message")).data.text).toBe("Break in 5 minutes");
      }

      const ticket = await people.bob.request(
        "GET",
        `/api/workshops/${workshopId}/participants/${grace.participantId}/terminal-ticket`,
      );
      expect(ticket.status).toBe(200);
      expect(ticket.json.socketPath).toMatch(/^\/ws\/terminal\?run=.*&observe=1$/);
      expect(ticket.json.protocols).toEqual(["circus.observer", `circus.ticket.${ticket.json.ticket}`]);
      const context = server.app.context;
      expect(await authorizeObserver(context, { ticket: ticket.json.ticket, runId: "another-run" })).toBeUndefined();
      expect(await authorizeObserver(context, { ticket: `${ticket.json.ticket}x`, runId: ticket.json.runId })).toBe(
        undefined,
      );
      const observer = await authorizeObserver(context, { ticket: ticket.json.ticket, runId: ticket.json.runId });
      expect(observer?.run.learnerId).toBeDefined();
      const release = observer?.watch();
      expect((await graceEvents.waitFor((e) => e.event === "watching")).data).toEqual({ on: true });
      release?.();
      await graceEvents.waitFor((e) => e.event === "watching" && e.data.on === false);
      expect(otherEvents.events.some((e) => e.event === "watching")).toBe(false);
      const noLab = await people.bob.request(
        "GET",
        `/api/workshops/${workshopId}/participants/${second.participantId}/terminal-ticket`,
      );
      expect([noLab.status, noLab.json.error.code]).toEqual([409, "run_not_ready"]);
    });

    it("answers every workshop route to no session, a learner and another instructor with 401/401/404, and to the owner", async () => {
      const { bob, carol, ada, visitor: nobody } = people;
      const [grace] = learners;
      if (!grace) throw new Error("no learner");
      const base = `/api/workshops/${workshopId}`;
      const routes: { method: string; path: string; body?: unknown; ownerStatus: number }[] = [
        { method: "GET", path: base, ownerStatus: 200 },
        { method: "PUT", path: base, body: { title: "Containers 101 (morning)" }, ownerStatus: 200 },
        { method: "GET", path: `${base}/qr.svg`, ownerStatus: 200 },
        { method: "GET", path: `${base}/dashboard`, ownerStatus: 200 },
        { method: "POST", path: `${base}/messages`, body: { text: "hello" }, ownerStatus: 202 },
        { method: "GET", path: `${base}/participants/${grace.participantId}/terminal-ticket`, ownerStatus: 200 },
        { method: "GET", path: `${base}/results.csv`, ownerStatus: 200 },
        // The owner's end is the next test.
        { method: "POST", path: `${base}/end`, ownerStatus: 0 },
      ];
      const callers: [string, LearnerClient, number][] = [
        ["no session", nobody, 401],
        ["a learner", grace.client, 401],
        ["another instructor", carol, 404],
        ["the owner", bob, -1],
        ["an admin", ada, -1],
      ];
      for (const route of routes) {
        for (const [who, client, expected] of callers) {
          const want = expected === -1 ? route.ownerStatus : expected;
          if (want === 0) continue;
          const response = await client.request(route.method, route.path, route.body ? { body: route.body } : {});
          expect(`${route.method} ${route.path} as ${who}: ${response.status}`).toBe(
            `${route.method} ${route.path} as ${who}: ${want}`,
          );
        }
      }
      for (const [who, client, expected] of callers) {
        const stream = await sse(client, `${base}/events`);
        expect(`events as ${who}: ${stream.status}`).toBe(`events as ${who}: ${expected === -1 ? 200 : expected}`);
        stream.close();
      }
      expect((await nobody.request("GET", "/api/workshops")).status).toBe(401);
      expect((await grace.client.request("GET", "/api/workshops")).status).toBe(401);
      expect((await carol.request("GET", "/api/workshops")).json.workshops).toEqual([]);
      expect((await bob.request("GET", "/api/workshops")).json.workshops).toHaveLength(2);
      expect((await ada.request("GET", "/api/workshops")).json.workshops).toHaveLength(2);
      for (const client of [nobody, grace.client]) {
        expect((await client.request("POST", "/api/workshops", { body: { title: "x" } })).status).toBe(401);
        expect((await client.request("POST", "/api/instructors/invitations")).status).toBe(401);
      }
      const forged = new LearnerClient(server.origin);
      await forged.visit();
      forged.cookies.set("circus_instructor", randomBytes(32).toString("base64url"));
      expect((await forged.request("GET", base)).status).toBe(401);
      // The learner side: only participants have a workshop.
      expect((await nobody.request("GET", "/api/me/workshop")).status).toBe(404);
      expect((await sse(nobody, "/api/me/workshop/events")).status).toBe(404);
      expect((await bob.request("GET", "/api/me/workshop")).status).toBe(404);
      expect((await bob.request("GET", base)).json.workshop.phase).toBe("running");
    });

    it("ends the workshop: every environment is destroyed and learners see `ended`", async () => {
      const [grace] = learners;
      if (!grace) throw new Error("no learner");
      const learnerEvents = await sse(grace.client, "/api/me/workshop/events");
      const dashboard = await sse(people.bob, `/api/workshops/${workshopId}/events`);
      await learnerEvents.waitFor((e) => e.event === "hello");
      await dashboard.waitFor((e) => e.event === "snapshot");
      expect(await containersOfWorkshop(workshopId)).toBeGreaterThan(0);
      const ended = await people.bob.request("POST", `/api/workshops/${workshopId}/end`);
      expect([ended.status, ended.json.workshop.phase]).toEqual([200, "ended"]);
      await learnerEvents.waitFor((e) => e.event === "ended");
      await learnerEvents.ended;
      await dashboard.waitFor((e) => e.event === "ended");
      expect(await containersOfWorkshop(workshopId)).toBe(0);
      const runs = await server.app.context.db.listWorkshopRuns(workshopId);
      expect(runs.map((run) => run.status)).toEqual(["stopped"]);
      const after = await grace.client.request("POST", "/api/join", { body: { code: joinCode, displayName: "Again" } });
      expect([after.status, after.json.error.code]).toEqual([410, "workshop_ended"]);
    });

    it("exports the results as CSV, safe to open in a spreadsheet", async () => {
      const response = await fetch(`${server.origin}/api/workshops/${workshopId}/results.csv`, {
        headers: cookieHeader(people.bob),
      });
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
      const lines = (await response.text()).trimEnd().split("\r\n");
      expect(lines[0]).toBe(
        "participant,joined_at,scenario,status,steps_completed,steps_total,checks_passed,checks_failed,time_spent_seconds",
      );
      expect(lines).toHaveLength(4);
      expect(lines[1]).toMatch(new RegExp(`^Grace,[^,]+,${SCENARIO_ID},stopped,0,2,0,3,\\d+$`));
      expect(lines[2]).toMatch(new RegExp(`^'=2\\+3,[^,]+,${SCENARIO_ID},not_started,0,2,0,0,0$`));
    });

    it("rate limits wrong join codes per address (429), even for a right code after", async () => {
      const guesser = await visitor();
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const wrong = await guesser.request("POST", "/api/join", {
          body: { code: `WRONGCODE${attempt}`, displayName: "Guesser" },
        });
        expect(wrong.json.error.code).toBe("join_code_unknown");
      }
      const limited = await guesser.request("POST", "/api/join", { body: { code: laterCode, displayName: "Guesser" } });
      expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("closes an instructor's live dashboard when they sign out", async () => {
      const stream = await sse(people.bob, `/api/workshops/${workshopId}/events`);
      await stream.waitFor((e) => e.event === "snapshot");
      await people.bob.request("POST", "/api/instructors/sign-out");
      await stream.ended;
      expect((await people.bob.request("GET", "/api/workshops")).status).toBe(401);
    });
  });
}

defineWorkshopsSuite("the workshops API on SQLite", () => sqliteTestDatabase("circus-web-workshops-db"));

defineWorkshopsSuite("the workshops API on PostgreSQL (CIRCUS_TEST_POSTGRES_URL)", () =>
  postgresTestDatabase("circus_web_workshops"),
);
