// Fault suite: the PostgreSQL server stops under running sessions and comes back (a cluster of the test's
// own, own-postgres.ts). Meanwhile the server stays up and answers 503 with a clear message, the learner's
// open terminal keeps working; afterwards nothing written before the outage is lost and the API works again.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_DOWN_MESSAGE } from "../http/errors";
import { FAULT_SCENARIO_ID, writeFaultScenario } from "../test/fault-scenario";
import { createOwnPostgres, type OwnPostgres } from "../test/own-postgres";
import { startReadyRun } from "../test/ready-run";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../test/server-process";
import { LearnerClient } from "../test/web-test-server";
import { openTerminal, readinessOf, removeTestResources, runInTerminal } from "./fault-learner";

describe("PostgreSQL stops and comes back", () => {
  const testId = `fault-db-${randomBytes(4).toString("hex")}`;
  let docker: Dockerode;
  let postgres: OwnPostgres;
  let scenariosDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    docker = await connectEngine();
    postgres = await createOwnPostgres();
    scenariosDir = await mkdtemp(join(tmpdir(), "circus-fault-scenarios-"));
    await writeFaultScenario(scenariosDir);
    server = await startServerProcess({
      env: {
        PORT: "0",
        HOST: "127.0.0.1",
        CIRCUS_SCENARIOS_DIR: scenariosDir,
        DATABASE_URL: postgres.url,
        CIRCUS_SECRET: randomBytes(32).toString("base64url"),
        CIRCUS_WARM_POOL_SIZE: "0",
        CIRCUS_SANDBOX_SCOPE: testId,
        CIRCUS_SHUTDOWN_DRAIN_SECONDS: "0",
        LOG_LEVEL: "warn",
        NODE_ENV: "test",
      },
      testId,
    });
  });

  afterAll(async () => {
    if (server) await stopServerProcess(server, "SIGKILL");
    await removeTestResources(docker, testId);
    await postgres?.remove();
    await rm(scenariosDir, { recursive: true, force: true });
  });

  const readiness = () => readinessOf(server.origin);

  it("answers 503 with a clear message meanwhile and loses no progress", async () => {
    const learner = new LearnerClient(server.origin);
    await learner.visit();
    const runId = await startReadyRun(learner, FAULT_SCENARIO_ID);
    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "touch /root/made.txt", "made");
    expect((await learner.request("POST", `/api/runs/${runId}/steps/0/check`)).json.passed).toBe(true);
    expect((await learner.request("POST", `/api/runs/${runId}/next`)).json.run.currentStep).toBe(1);

    await postgres.stop();
    for (const [method, path, body] of [
      ["GET", `/api/runs/${runId}`, undefined],
      ["POST", "/api/runs", { scenarioId: FAULT_SCENARIO_ID }],
      ["POST", `/api/runs/${runId}/next`, undefined],
    ] as const) {
      const response = await learner.request(method, path, body ? { body } : {});
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(response.json.error).toEqual({ code: "database_unreachable", message: DATABASE_DOWN_MESSAGE });
      expect(response.headers.get("retry-after")).toBe("5");
    }
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.text).toMatch(/^database: (?!ok).+/m);
    // The shell the learner has open does not need the database.
    await runInTerminal(terminal, "echo during", "during");
    expect(server.child.exitCode).toBeNull();

    await postgres.start();
    const deadline = Date.now() + 30_000;
    while ((await readiness()).status !== 200) {
      if (Date.now() > deadline) throw new Error(`not ready after the database came back: ${(await readiness()).text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const view = await learner.request("GET", `/api/runs/${runId}`);
    expect(view.status).toBe(200);
    expect(view.json.run).toMatchObject({ status: "ready", currentStep: 1 });
    expect(view.json.run.steps.map((step: { completed: boolean }) => step.completed)).toEqual([true, false]);
    const finished = await learner.request("POST", `/api/runs/${runId}/next`);
    expect(finished.status).toBe(200);
    expect(finished.json.run.status).toBe("finished");
    expect(server.child.exitCode).toBeNull();
    terminal.close();
  });
});
