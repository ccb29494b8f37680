// Terminal recordings end to end on the real server (in-process, no Next), the real engine and real
// sockets, on SQLite and PostgreSQL: what the learner typed and saw comes back as a `.cast` with step
// and check markers; the learner sees only their own, an instructor only their workshop's, also after
// it ended. Plus the run's cap and the retention reaper on the real database.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "@circus/db";
import { parseAsciicast } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger";
import { cookieHeaderOf, TerminalTestClient } from "../terminals/terminal-test-client";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { postgresTestDatabase, sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, TEST_SETUP_TOKEN, type WebTestServer } from "../test/web-test-server";
import { RunRecordings } from "./run-recordings";

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** GETs a path with the client's cookies and returns the raw text (the `.cast` is not JSON). */
async function fetchText(client: LearnerClient, path: string) {
  const response = await fetch(`${client.origin}${path}`, { headers: { cookie: cookieHeaderOf(client) } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function defineRecordingSuite(name: string, createDatabase: () => Promise<TestDatabase>): void {
  describe(name, () => {
    const testId = randomBytes(6).toString("hex");
    let folder: string;
    let database: TestDatabase;
    let server: WebTestServer;
    let owner: LearnerClient;
    let otherInstructor: LearnerClient;
    let grace: LearnerClient;
    let linus: LearnerClient;
    let workshopId = "";
    let graceRun = "";
    let linusRun = "";

    async function visitor(): Promise<LearnerClient> {
      const client = new LearnerClient(server.origin);
      await client.visit();
      return client;
    }
    async function signUp(email: string, invitation?: string): Promise<LearnerClient> {
      const client = await visitor();
      // The first account (no invitation) claims the server with the test server's setup token.
      const claim = invitation === undefined ? { setupToken: TEST_SETUP_TOKEN } : { invitation };
      const body = { email, displayName: email.split("@")[0], password: "a long enough password", ...claim };
      const response = await client.request("POST", "/api/instructors/sign-up", { body });
      if (response.status !== 201) throw new Error(`sign-up of ${email} failed: ${JSON.stringify(response.json)}`);
      return client;
    }
    async function joinAndStart(code: string, displayName: string): Promise<{ client: LearnerClient; runId: string }> {
      const client = await visitor();
      const joined = await client.request("POST", "/api/join", { body: { code, displayName } });
      if (joined.status !== 200) throw new Error(`${displayName} could not join: ${JSON.stringify(joined.json)}`);
      const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
      const runId: string = started.json.run.id;
      const settled = await pollUntilSettled(client, runId);
      if (settled.json.run.status !== "ready") throw new Error(`run not ready: ${JSON.stringify(settled.json)}`);
      return { client, runId };
    }

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "circus-web-recordings-"));
      await writeTestScenario(join(folder, "scenarios"));
      database = await createDatabase();
      server = await startWebTestServer({
        scenariosDir: join(folder, "scenarios"),
        databaseUrl: database.url,
        testId,
        secret: randomBytes(32).toString("base64url"),
        env: { CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000" },
        recordingFlushIntervalMs: 100,
      });
      const admin = await signUp("ada@example.org");
      const invite = async () => (await admin.request("POST", "/api/instructors/invitations")).json.invitation.token;
      owner = await signUp("bob@example.org", await invite());
      otherInstructor = await signUp("carol@example.org", await invite());
      const created = await owner.request("POST", "/api/workshops", {
        body: {
          title: "Recorded",
          scenarioIds: [SCENARIO_ID],
          startsAt: minutes(-1),
          endsAt: minutes(60),
          capacity: 2,
        },
      });
      if (created.status !== 201) throw new Error(`no workshop: ${JSON.stringify(created.json)}`);
      workshopId = created.json.workshop.id;
      ({ client: grace, runId: graceRun } = await joinAndStart(created.json.workshop.joinCode, "Grace"));
      ({ client: linus, runId: linusRun } = await joinAndStart(created.json.workshop.joinCode, "Linus"));
    });

    afterAll(async () => {
      await server?.close();
      await removeTestResources(testId);
      await database?.cleanup();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it("records the learner's terminal with check and step markers, and replays it as a .cast", async () => {
      const terminal = new TerminalTestClient(server.origin, {
        run: graceRun,
        terminal: "1",
        cookie: cookieHeaderOf(grace),
      });
      expect(await terminal.opened).toBe("open");
      await terminal.waitForHello();
      terminal.sendControl({ type: "resize", cols: 100, rows: 30 });
      terminal.type("echo recorded-$((6*7))\r");
      await terminal.waitForText(/recorded-42\r\n/);
      expect((await grace.request("POST", `/api/runs/${graceRun}/steps/0/check`)).json.passed).toBe(false);
      terminal.type("touch /root/made.txt && echo made-$((2*2))\r");
      await terminal.waitForText(/made-4\r\n/);
      expect((await grace.request("POST", `/api/runs/${graceRun}/steps/0/check`)).json.passed).toBe(true);
      expect((await grace.request("POST", `/api/runs/${graceRun}/next`)).status).toBe(200);

      // While the run goes on, flushed batches are already readable.
      const listed = await grace.request("GET", `/api/runs/${graceRun}/recordings`);
      expect(listed.status).toBe(200);
      expect(listed.json.recordings).toHaveLength(1);
      const [recording] = listed.json.recordings;
      expect(recording).toMatchObject({ terminalId: "1", truncated: false });
      await expect
        .poll(async () => (await fetchText(grace, `/api/runs/${graceRun}/recordings/${recording.id}`)).text, {
          timeout: 10_000,
        })
        .toContain("Step 2: Quiz");

      // Stopping the run ends the shell; the recording is complete and closed.
      expect((await grace.request("POST", `/api/runs/${graceRun}/stop`)).status).toBe(200);
      terminal.socket.terminate();
      const cast = await fetchText(grace, `/api/runs/${graceRun}/recordings/${recording.id}?download=1`);
      expect(cast.status).toBe(200);
      expect(cast.headers.get("content-type")).toContain("application/x-asciicast");
      expect(cast.headers.get("content-disposition")).toMatch(/^attachment; filename="api-test-terminal-1-.*\.cast"$/);
      const { header, events } = parseAsciicast(cast.text);
      expect(header).toMatchObject({ version: 2 });
      const of = (code: string) => events.filter(([, kind]) => kind === code).map(([, , data]) => data);
      expect(of("i").join("")).toContain("touch /root/made.txt && echo made-$((2*2))\r");
      expect(of("o").join("")).toContain("recorded-42");
      expect(of("r")).toContain("100x30");
      expect(of("m")).toEqual(["Check failed (step 1)", "Check passed (step 1)", "Step 2: Quiz"]);
      const ended = (await grace.request("GET", `/api/runs/${graceRun}/recordings`)).json.recordings[0];
      expect(ended.endedAt).not.toBeNull();
      expect(ended.castBytes).toBe(Buffer.byteLength(cast.text));
    });

    it("shows a learner only their own recordings", async () => {
      const [recording] = (await grace.request("GET", `/api/runs/${graceRun}/recordings`)).json.recordings;
      expect((await linus.request("GET", `/api/runs/${graceRun}/recordings`)).status).toBe(404);
      expect((await fetchText(linus, `/api/runs/${graceRun}/recordings/${recording.id}`)).status).toBe(404);
      // Grace's recording id through Linus's own run is no way around it either.
      const crossed = await fetchText(linus, `/api/runs/${linusRun}/recordings/${recording.id}`);
      expect(crossed.status).toBe(404);
      expect(crossed.text).not.toContain("recorded-42");
      expect((await linus.request("GET", `/api/runs/${linusRun}/recordings`)).json.recordings).toEqual([]);
      const stranger = await visitor();
      expect((await stranger.request("GET", `/api/runs/${graceRun}/recordings`)).status).toBe(404);
    });

    it("lets the workshop's instructor replay a participant's terminal, also after the workshop ended", async () => {
      const listPath = `/api/workshops/${workshopId}/runs/${graceRun}/recordings`;
      const [recording] = (await owner.request("GET", listPath)).json.recordings;
      const ownCast = (await fetchText(grace, `/api/runs/${graceRun}/recordings/${recording.id}`)).text;
      expect((await fetchText(owner, `${listPath}/${recording.id}`)).text).toBe(ownCast);

      expect((await otherInstructor.request("GET", listPath)).status).toBe(404);
      expect((await fetchText(otherInstructor, `${listPath}/${recording.id}`)).status).toBe(404);
      expect((await grace.request("GET", listPath)).status).toBe(401);

      expect((await owner.request("POST", `/api/workshops/${workshopId}/end`)).status).toBe(200);
      const after = await fetchText(owner, `${listPath}/${recording.id}?download=1`);
      expect(after.status).toBe(200);
      expect(after.text).toBe(ownCast);
    });
  });
}

defineRecordingSuite("recordings on SQLite", () => sqliteTestDatabase("circus-web-recordings"));
defineRecordingSuite("recordings on PostgreSQL", () => postgresTestDatabase("circus_web_recordings"));

describe("a run's recording cap and the retention reaper (real SQLite database)", () => {
  let database: TestDatabase;
  let db: Awaited<ReturnType<typeof openDatabase>>;

  beforeAll(async () => {
    database = await sqliteTestDatabase("circus-web-recording-cap");
    await migrateDatabase({ url: database.url });
    db = await openDatabase({ url: database.url });
  });

  afterAll(async () => {
    await db?.dispose();
    await database?.cleanup();
  });

  it("stops recording a run at its cap across its terminals, and deletes recordings past retention", async () => {
    const learner = await db.ensureLearner();
    const run = await db.createRun({
      learnerId: learner.id,
      scenarioId: "capped",
      expiresAt: new Date(Date.now() + 60_000),
    });
    const logger = createLogger({ logLevel: "silent", nodeEnv: "test" });
    const recordings = new RunRecordings({ db, maxBytesPerRun: 4_000, retentionDays: 30, logger, flushIntervalMs: 20 });
    const first = recordings.start({ runId: run.id, terminalId: "1", cols: 80, rows: 24, title: "one" });
    const second = recordings.start({ runId: run.id, terminalId: "2", cols: 80, rows: 24, title: "two" });
    for (let index = 0; index < 60; index += 1) {
      // Random text barely compresses, so the cap is reached within a few batches.
      first?.output(Buffer.from(randomBytes(300).toString("base64")));
      second?.output(Buffer.from(randomBytes(300).toString("base64")));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await recordings.closeRun(run.id);
    const stored = await db.listRecordings(run.id);
    expect(stored).toHaveLength(2);
    expect(stored.some((recording) => recording.truncated)).toBe(true);
    expect(await db.runRecordingBytes(run.id)).toBeLessThanOrEqual(4_000);
    expect(await db.runRecordingBytes(run.id)).toBeGreaterThan(0);

    expect(await recordings.reap(new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await recordings.reap(new Date(Date.now() + 31 * 86_400_000))).toBe(2);
    expect(await db.listRecordings(run.id)).toEqual([]);
  });

  it("records nothing when the cap is 0", () => {
    const logger = createLogger({ logLevel: "silent", nodeEnv: "test" });
    const recordings = new RunRecordings({ db, maxBytesPerRun: 0, retentionDays: 30, logger });
    expect(recordings.start({ runId: "x", terminalId: "1", cols: 80, rows: 24, title: "off" })).toBeUndefined();
  });
});
