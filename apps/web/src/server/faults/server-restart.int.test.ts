// Fault suite: the server process is killed (SIGKILL) or stopped (SIGTERM) under a learner's session, on
// SQLite and on PostgreSQL. After a restart nothing is orphaned on the engine, the learner's run resumes
// on the same containers with its progress, and a SIGTERM tells the learner, refuses starts with 503 and
// exits in time.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_STOPPING_REASON } from "../../contract/terminal-protocol";
import { FAULT_SCENARIO_ID, writeFaultScenario } from "../test/fault-scenario";
import { freePort } from "../test/own-postgres";
import { startReadyRun } from "../test/ready-run";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../test/server-process";
import { postgresTestDatabase, sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient } from "../test/web-test-server";
import { openTerminal, removeTestResources, runInTerminal, testResources } from "./fault-learner";

/** The promise; asserted as a deadline on the process's exit, not as a measurement. */
const SIGTERM_EXIT_DEADLINE_MS = 10_000;

const databases: [string, (prefix: string) => Promise<TestDatabase>][] = [
  ["SQLite", sqliteTestDatabase],
  ["PostgreSQL", postgresTestDatabase],
];

describe.each(databases)("server restarts on %s", (_name, makeDatabase) => {
  const testId = `fault-restart-${randomBytes(4).toString("hex")}`;
  let docker: Dockerode;
  let scenariosDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  /** The learner and run of the first test, which the second one carries on with. */
  let learner: LearnerClient;
  let runId: string;

  const start = async () => {
    server = await startServerProcess({ env, testId });
    return server;
  };

  beforeAll(async () => {
    docker = await connectEngine();
    scenariosDir = await mkdtemp(join(tmpdir(), "circus-fault-scenarios-"));
    await writeFaultScenario(scenariosDir);
    database = await makeDatabase("fault_restart");
    env = {
      // One port for every restart: the learner's origin (and so its cookies and CSRF check) stays valid.
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      DATABASE_URL: database.url,
      CIRCUS_SECRET: randomBytes(32).toString("base64url"),
      CIRCUS_WARM_POOL_SIZE: "0",
      CIRCUS_SANDBOX_SCOPE: testId,
      // Long enough to ask for a start while the port is still open; the exit deadline is still 10 s.
      CIRCUS_SHUTDOWN_DRAIN_SECONDS: "2",
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
    };
  });

  afterAll(async () => {
    if (server) await stopServerProcess(server, "SIGKILL");
    await removeTestResources(docker, testId);
    await database?.cleanup();
    await rm(scenariosDir, { recursive: true, force: true });
  });

  it("after a SIGKILL mid-session: no orphans, the run resumes on the same containers with its progress", async () => {
    const first = await start();
    learner = new LearnerClient(first.origin);
    await learner.visit();
    runId = await startReadyRun(learner, FAULT_SCENARIO_ID);
    const terminal = await openTerminal(first.origin, learner, runId);
    await runInTerminal(terminal, "touch /root/made.txt", "made");
    expect((await learner.request("POST", `/api/runs/${runId}/steps/0/check`)).json.passed).toBe(true);
    expect((await learner.request("POST", `/api/runs/${runId}/next`)).json.run.currentStep).toBe(1);
    const resourcesBefore = await testResources(docker, testId);
    const containersBefore = resourcesBefore.containers.map((c) => c.Id).sort();
    const networksBefore = resourcesBefore.networks.map((n) => n.Id);
    expect(containersBefore).toHaveLength(1);
    expect(networksBefore).toHaveLength(1);

    // A second learner's start is in flight when the process dies.
    const other = new LearnerClient(first.origin);
    await other.visit();
    const otherStart = await other.request("POST", "/api/runs", { body: { scenarioId: FAULT_SCENARIO_ID } });
    expect(otherStart.status).toBe(202);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    terminal.socket.terminate();

    const second = await start();
    // Nothing on the engine that no ready run owns.
    const after = await testResources(docker, testId);
    expect(after.containers.map((c) => c.Id).sort()).toEqual(containersBefore);
    expect(after.networks.map((n) => n.Id)).toEqual(networksBefore);
    const resumed = await learner.request("GET", `/api/runs/${runId}`);
    expect(resumed.json.run).toMatchObject({ status: "ready", currentStep: 1 });
    expect(resumed.json.run.steps[0].completed).toBe(true);
    expect(resumed.json.run.hostStates).toEqual([{ name: "node1", state: "running" }]);
    // The interrupted start is reported, not left spinning.
    const interrupted = await other.request("GET", `/api/runs/${otherStart.json.run.id}`);
    expect(interrupted.json.run.status).toBe("failed");
    expect(interrupted.json.run.error).toMatch(/restarted while this lab was starting/);
    // The container kept its files, and its terminal works.
    const again = await openTerminal(second.origin, learner, runId);
    await runInTerminal(again, "test -f /root/made.txt && echo still-there", "kept");
    expect(again.text()).toContain("still-there");
    again.close();
  });

  it("on SIGTERM: tells the learner, refuses starts with 503, exits in time; the next start resumes the run", async () => {
    const running = server;
    if (!running || !runId) throw new Error("the SIGKILL test must have run first");
    const terminal = await openTerminal(running.origin, learner, runId);
    await runInTerminal(terminal, "echo before > /root/before.txt", "before");
    const containersBefore = (await testResources(docker, testId)).containers.map((c) => c.Id).sort();

    const signalledAt = Date.now();
    running.child.kill("SIGTERM");
    const closed = await terminal.closed;
    expect(closed).toEqual({ code: 1001, reason: SERVER_STOPPING_REASON });
    const refused = await new LearnerClient(running.origin).request("POST", "/api/runs", {
      body: { scenarioId: FAULT_SCENARIO_ID },
      origin: null,
      csrf: "none",
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("server_stopping");
    expect(refused.headers.get("retry-after")).toBe("5");
    const ready = await fetch(`${running.origin}/readyz`);
    expect(ready.status).toBe(503);
    const exit = await Promise.race([
      running.exited,
      new Promise<"late">((resolve) =>
        setTimeout(() => resolve("late"), SIGTERM_EXIT_DEADLINE_MS - (Date.now() - signalledAt)),
      ),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    // The environments outlive the process.
    expect((await testResources(docker, testId)).containers.map((c) => c.Id).sort()).toEqual(containersBefore);

    const next = await start();
    const resumed = await learner.request("GET", `/api/runs/${runId}`);
    expect(resumed.json.run.status).toBe("ready");
    const again = await openTerminal(next.origin, learner, runId);
    await runInTerminal(again, "cat /root/before.txt", "after");
    expect(again.text()).toMatch(/before\r?\n/);
    again.close();
    expect((await testResources(docker, testId)).containers.map((c) => c.Id).sort()).toEqual(containersBefore);
  });
});
