// Fault suite: dockerd restarts under a running session, on an engine of the test's own (own-dockerd.ts),
// never the shared one. The server stays up, /readyz says the engine is down, the learner gets a clear
// 503 meanwhile, then sees that the host stopped and restarts it.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_SCENARIO_ID, writeFaultScenario } from "../test/fault-scenario";
import { createOwnDockerd, type OwnDockerd } from "../test/own-dockerd";
import { startReadyRun } from "../test/ready-run";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../test/server-process";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient } from "../test/web-test-server";
import { openTerminal, readinessOf, runInTerminal, testResources } from "./fault-learner";

describe("dockerd restarts under running sessions", () => {
  const testId = `fault-engine-${randomBytes(4).toString("hex")}`;
  let engine: OwnDockerd;
  let scenariosDir: string;
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    engine = await createOwnDockerd();
    await engine.loadImage("circus/base:latest");
    scenariosDir = await mkdtemp(join(tmpdir(), "circus-fault-scenarios-"));
    await writeFaultScenario(scenariosDir);
    database = await sqliteTestDatabase("fault-engine");
    server = await startServerProcess({
      env: {
        PORT: "0",
        HOST: "127.0.0.1",
        CIRCUS_SCENARIOS_DIR: scenariosDir,
        DATABASE_URL: database.url,
        CIRCUS_SECRET: randomBytes(32).toString("base64url"),
        CIRCUS_WARM_POOL_SIZE: "0",
        CIRCUS_SANDBOX_SCOPE: testId,
        CIRCUS_SHUTDOWN_DRAIN_SECONDS: "0",
        LOG_LEVEL: "warn",
        NODE_ENV: "test",
      },
      testId,
      processEnv: { DOCKER_HOST: engine.host },
    });
  });

  afterAll(async () => {
    if (server) await stopServerProcess(server, "SIGKILL");
    await engine?.remove();
    await database?.cleanup();
    await rm(scenariosDir, { recursive: true, force: true });
  });

  const readiness = () => readinessOf(server.origin);

  it("stays up, reports the engine down, then lets the learner restart the stopped host", async () => {
    const learner = new LearnerClient(server.origin);
    await learner.visit();
    const runId = await startReadyRun(learner, FAULT_SCENARIO_ID);
    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "echo lost > /root/state.txt", "written");
    expect((await readiness()).status).toBe(200);
    const [before] = (await testResources(engine.docker, testId)).containers;

    await engine.stop();
    // The learner's shell went with the engine; the server did not.
    await terminal.closed;
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.text).toMatch(/^engine: (?!ok).+/m);
    expect(down.text).toMatch(/^database: ok$/m);
    const view = await learner.request("GET", `/api/runs/${runId}`);
    expect(view.status).toBe(200);
    expect(view.json.run.status).toBe("ready");
    // Acting on it says why it cannot: the host stopped (its death event came before the engine went) or
    // the engine does not answer.
    const check = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect([410, 503]).toContain(check.status);
    expect(["container_died", "engine_unreachable"]).toContain(check.json.error.code);
    expect(server.child.exitCode).toBeNull();

    await engine.start();
    const deadline = Date.now() + 30_000;
    let states: { name: string; state: string; cause?: string; message?: string }[] = [];
    while (Date.now() < deadline) {
      states = (await learner.request("GET", `/api/runs/${runId}`)).json.run.hostStates ?? [];
      if (states[0]?.state === "stopped" && (await readiness()).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(states).toEqual([
      { name: "node1", state: "stopped", cause: "exited", message: expect.stringMatching(/Restart it/) },
    ]);

    const restarted = await learner.request("POST", `/api/runs/${runId}/hosts/node1/restart`);
    expect(restarted.status, JSON.stringify(restarted.json)).toBe(200);
    expect(restarted.json.run.hostStates).toEqual([{ name: "node1", state: "running" }]);
    const [after] = (await testResources(engine.docker, testId)).containers;
    expect(after?.Id).not.toBe(before?.Id);
    expect(after?.State).toBe("running");
    const files = await runCommand(engine.docker, after!.Id, { script: "cat /root/hello.txt /root/prepared.txt" });
    expect(files.stdout).toBe("hello from the assets\nprepared\n");
    const again = await openTerminal(server.origin, learner, runId);
    await runInTerminal(again, "hostname", "back");
    again.close();
  });
});
