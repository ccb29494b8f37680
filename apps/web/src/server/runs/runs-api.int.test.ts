// The /api/runs suite against the real server (in-process, no Next), the real Docker engine and real
// databases: SQLite in a temp file, and PostgreSQL (CIRCUS_TEST_POSTGRES_URL) in a database of its own.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { postgresTestDatabase, sqliteTestDatabase } from "../test/test-databases";
import { type ApiResponse, LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";

interface DatabaseFixture {
  url: string;
  cleanup(): Promise<void>;
}

function defineRunsApiSuite(name: string, createDatabase: () => Promise<DatabaseFixture>): void {
  describe(name, () => {
    const testId = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    let folder: string;
    let scenariosDir: string;
    let database: DatabaseFixture;
    let server: WebTestServer;

    const start = (env: Record<string, string> = {}) =>
      startWebTestServer({
        scenariosDir,
        databaseUrl: database.url,
        testId,
        secret,
        env: { CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "3", CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000", ...env },
      });

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "circus-web-api-"));
      scenariosDir = join(folder, "scenarios");
      await writeTestScenario(scenariosDir);
      database = await createDatabase();
      server = await start();
    });

    afterAll(async () => {
      await server?.close();
      await removeTestResources(testId);
      await database?.cleanup();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    async function learner(): Promise<LearnerClient> {
      const client = new LearnerClient(server.origin);
      await client.visit();
      return client;
    }

    async function startReadyRun(client: LearnerClient): Promise<string> {
      const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
      expect(started.status).toBe(202);
      expect(started.json.run).toMatchObject({ scenarioId: SCENARIO_ID, status: "starting", stage: "queued" });
      const run = await pollUntilSettled(client, started.json.run.id);
      expect(run.json.run).toMatchObject({ status: "ready", stage: "ready", hosts: ["node1"] });
      return started.json.run.id;
    }

    async function environmentOf(runId: string): Promise<string> {
      const run = await server.app.context.db.getRun(runId);
      if (!run?.environmentId) throw new Error(`run ${runId} has no environment`);
      return run.environmentId;
    }

    it("starts a run, gates the steps on their checks and quiz, and finishes", async () => {
      const client = await learner();
      const runId = await startReadyRun(client);

      const show = await client.request("POST", `/api/runs/${runId}/steps/0/show`);
      expect(show.status).toBe(200);

      const failed = await client.request("POST", `/api/runs/${runId}/steps/0/check`);
      expect(failed.json).toEqual({ passed: false, hint: "Create /root/made.txt first" });
      expect((await client.request("POST", `/api/runs/${runId}/next`)).json.error.code).toBe("check_required");
      expect((await client.request("POST", `/api/runs/${runId}/next`)).status).toBe(409);

      const solution = await client.request("POST", `/api/runs/${runId}/steps/0/solution`);
      expect(solution.json.solution.trim()).toBe("touch /root/made.txt");
      const { runtime } = server.app.context;
      const solved = await runtime.environment(await environmentOf(runId)).commands.run("node1", {
        script: solution.json.solution,
      });
      expect(solved.exitCode).toBe(0);

      expect((await client.request("POST", `/api/runs/${runId}/steps/0/check`)).json).toEqual({ passed: true });
      const second = await client.request("POST", `/api/runs/${runId}/next`);
      expect(second.json.run).toMatchObject({ currentStep: 1, steps: [{ completed: true }, { completed: false }] });

      const quizId = server.app.context.scenarios(SCENARIO_ID)?.scenario.steps[1]?.quizzes[0]?.id ?? "";
      const wrong = await client.request("POST", `/api/runs/${runId}/steps/1/quiz`, {
        body: { answers: { [quizId]: [0] } },
      });
      expect(wrong.json).toEqual({ passed: false, results: { [quizId]: false } });
      expect((await client.request("POST", `/api/runs/${runId}/next`)).status).toBe(409);
      const right = await client.request("POST", `/api/runs/${runId}/steps/1/quiz`, {
        body: { answers: { [quizId]: [1] } },
      });
      expect(right.json).toEqual({ passed: true, results: { [quizId]: true } });

      const finished = await client.request("POST", `/api/runs/${runId}/next`);
      expect(finished.json.run).toMatchObject({ status: "finished", currentStep: 2 });
      const record = await server.app.context.db.getRun(runId);
      expect(record?.finishedAt).toBeInstanceOf(Date);
      const attempts = await server.app.context.db.listCheckAttempts(runId);
      expect(attempts.map((attempt) => [attempt.kind, attempt.passed])).toEqual([
        ["verify", false],
        ["verify", true],
        ["quiz", false],
        ["quiz", true],
      ]);
      const metrics = await fetch(`${server.origin}/metrics`).then((response) => response.text());
      expect(metrics).toMatch(/circus_check_results_total\{result="passed"\} 2/);
      expect(metrics).toMatch(/circus_environment_start_seconds_count\{source="created"\} [1-9]/);
    });

    it("hides a run from other learners and refuses changes without the CSRF token or from a foreign origin", async () => {
      const owner = await learner();
      const runId = await startReadyRun(owner);
      const stranger = await learner();
      const foreignView = await stranger.request("GET", `/api/runs/${runId}`);
      expect(foreignView.status).toBe(404);
      expect(foreignView.json.error.code).toBe("run_not_found");
      expect((await stranger.request("POST", `/api/runs/${runId}/stop`)).status).toBe(404);

      const refused: ApiResponse[] = [
        await owner.request("POST", `/api/runs/${runId}/stop`, { csrf: "none" }),
        await owner.request("POST", `/api/runs/${runId}/stop`, { csrf: "A".repeat(43) }),
        await owner.request("POST", `/api/runs/${runId}/stop`, { origin: "http://evil.example" }),
        await owner.request("POST", `/api/runs/${runId}/stop`, { origin: "null" }),
        await owner.request("POST", `/api/runs/${runId}/stop`, { origin: null }),
      ];
      for (const response of refused) {
        expect(response.status).toBe(403);
        expect(response.json.error.code).toBe("csrf");
      }
      expect((await owner.request("GET", `/api/runs/${runId}`)).json.run.status).toBe("ready");

      // Without an Origin, an allowed Referer is enough.
      const stopped = await owner.request("POST", `/api/runs/${runId}/stop`, {
        origin: null,
        referer: `${server.origin}/scenarios/${SCENARIO_ID}`,
      });
      expect(stopped.status).toBe(200);
      expect(stopped.json.run.status).toBe("stopped");
    });

    it("extends a run within its bounds and stops it, destroying its environment", async () => {
      const client = await learner();
      const runId = await startReadyRun(client);
      const environmentId = await environmentOf(runId);
      const before = (await client.request("GET", `/api/runs/${runId}`)).json.run.expiresAt;
      const extended = await client.request("POST", `/api/runs/${runId}/extend`);
      expect(extended.status).toBe(200);
      expect(Date.parse(extended.json.run.expiresAt) - Date.parse(before)).toBeGreaterThanOrEqual(3_500_000);
      expect(server.app.context.runtime.get(environmentId)?.expiresAt.toISOString()).toBe(extended.json.run.expiresAt);
      // 1 h + 1 h + 1 h reaches the 4 h ceiling (with the start's own hour), then no more.
      expect((await client.request("POST", `/api/runs/${runId}/extend`)).status).toBe(200);
      expect((await client.request("POST", `/api/runs/${runId}/extend`)).status).toBe(200);
      const refused = await client.request("POST", `/api/runs/${runId}/extend`);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe("extend_limit");

      const stopped = await client.request("POST", `/api/runs/${runId}/stop`);
      expect(stopped.json.run.status).toBe("stopped");
      expect(server.app.context.runtime.get(environmentId)).toBeUndefined();
      const docker = await connectEngine();
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`circus.environment=${environmentId}`] },
      });
      expect(left).toEqual([]);
      expect((await client.request("POST", `/api/runs/${runId}/steps/0/check`)).json.error.code).toBe("run_ended");
    });

    it("limits starts per learner with 429 and Retry-After", async () => {
      const client = await learner();
      const responses: ApiResponse[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        responses.push(await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } }));
      }
      // The first creates the run, the next two resume it, the fourth is over the limit of 3 a minute.
      expect(responses.map((response) => response.status)).toEqual([202, 200, 200, 429]);
      expect(new Set(responses.slice(0, 3).map((response) => response.json.run.id)).size).toBe(1);
      const limited = responses[3]!;
      expect(limited.json.error.code).toBe("rate_limited");
      expect(limited.json.error.message).toMatch(/try again in \d+ seconds?/i);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      await pollUntilSettled(client, responses[0]!.json.run.id);
      await client.request("POST", `/api/runs/${responses[0]!.json.run.id}/stop`);
    });

    it("re-attaches a live run after a restart and expires one whose environment went away", async () => {
      const kept = await learner();
      const keptRun = await startReadyRun(kept);
      expect((await kept.request("POST", `/api/runs/${keptRun}/steps/0/show`)).status).toBe(200);
      await kept.request("POST", `/api/runs/${keptRun}/extend`);
      const expiresAt = (await kept.request("GET", `/api/runs/${keptRun}`)).json.run.expiresAt;
      const lost = await learner();
      const lostRun = await startReadyRun(lost);
      const lostEnvironment = await environmentOf(lostRun);

      await server.close();
      const docker = await connectEngine();
      const lostContainers = await docker.listContainers({
        all: true,
        filters: { label: [`circus.environment=${lostEnvironment}`] },
      });
      await Promise.all(lostContainers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
      server = await start();
      kept.origin = server.origin;
      lost.origin = server.origin;

      const resumed = await kept.request("GET", `/api/runs/${keptRun}`);
      expect(resumed.json.run).toMatchObject({ status: "ready", expiresAt });
      const adopted = server.app.context.runtime.get(await environmentOf(keptRun));
      // The engine's label keeps the first expiry; the resume pushes it to the extended one (to the second).
      expect(Math.abs((adopted?.expiresAt.getTime() ?? 0) - Date.parse(expiresAt))).toBeLessThan(1_000);
      expect((await kept.request("POST", `/api/runs/${keptRun}/steps/0/check`)).json.passed).toBe(false);
      expect((await lost.request("GET", `/api/runs/${lostRun}`)).json.run.status).toBe("expired");
      await kept.request("POST", `/api/runs/${keptRun}/stop`);
    });
  });
}

defineRunsApiSuite("the runs API on SQLite", () => sqliteTestDatabase("circus-web-db"));

defineRunsApiSuite("the runs API on PostgreSQL (CIRCUS_TEST_POSTGRES_URL)", () =>
  postgresTestDatabase("circus_web_test"),
);
