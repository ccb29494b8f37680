// Warm pools through the API on the real engine: a start claims from the pool (and answers the run ready),
// and after a restart the next server adopts the ready pool environment while the claimed one stays with its run.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cookieHeaderOf, TerminalTestClient } from "../terminals/terminal-test-client";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";

describe("the runs API with warm pools (SQLite)", () => {
  const testId = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  let folder: string;
  let servers: WebTestServer[] = [];

  afterAll(async () => {
    for (const server of servers) await server.close();
    await removeTestResources(testId);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("starts from the pool, and a restarted server adopts the ready environment without handing out the claimed one", async () => {
    folder = await mkdtemp(join(tmpdir(), "circus-web-pool-"));
    await writeTestScenario(join(folder, "scenarios"));
    const start = async () => {
      const server = await startWebTestServer({
        scenariosDir: join(folder, "scenarios"),
        databaseUrl: `file:${join(folder, "circus.db")}`,
        testId,
        secret,
        env: { CIRCUS_WARM_POOL_SIZE: "1" },
      });
      servers.push(server);
      return server;
    };
    const first = await start();
    const pool = first.app.context.pools.get(SCENARIO_ID);
    await pool?.whenFull();
    const client = new LearnerClient(first.origin);
    await client.visit();
    const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    const runId: string = started.json.run.id;
    // The answer waited for the claim: the player opens the terminal without following the start first.
    expect(started.status).toBe(202);
    expect(started.json.run.status).toBe("ready");
    expect(started.json.run.terminals.length).toBeGreaterThan(0);
    expect(started.json.run.hostStates).toEqual([expect.objectContaining({ state: "running" })]);
    expect((await pollUntilSettled(client, runId)).json.run.status).toBe("ready");
    const metrics = await fetch(`${first.origin}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/circus_environment_starts_total\{outcome="ready",source="pool"\} 1/);
    await pool?.whenFull();

    await first.close();
    servers = servers.filter((server) => server !== first);
    const second = await start();
    const stats = second.app.context.pools.get(SCENARIO_ID)?.stats();
    expect(stats).toMatchObject({ ready: 1, claimed: 1 });
    client.origin = second.origin;
    expect((await client.request("GET", `/api/runs/${runId}`)).json.run.status).toBe("ready");
    expect((await client.request("POST", `/api/runs/${runId}/steps/0/check`)).json.passed).toBe(false);
  });

  it("hands the learner's first terminal the pooled environment's primed shell through the socket", async () => {
    const server = await startWebTestServer({
      scenariosDir: join(folder, "scenarios"),
      databaseUrl: `file:${join(folder, "circus-primed.db")}`,
      testId,
      secret,
      env: { CIRCUS_WARM_POOL_SIZE: "1" },
    });
    servers.push(server);
    const { runtime } = server.app.context;
    const shells = async (environmentId: string) =>
      Number(
        (
          await runtime.environment(environmentId).commands.run("node1", { argv: ["pgrep", "-c", "-x", "bash"] })
        ).stdout.trim() || "0",
      );
    // Adopted environments of the first server (claimed or not) are not this server's: wait for a fresh one.
    await server.app.context.pools.get(SCENARIO_ID)?.whenFull();
    const learner = new LearnerClient(server.origin);
    await learner.visit();
    const started = await learner.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
    const runId: string = started.json.run.id;
    expect((await pollUntilSettled(learner, runId)).json.run.status).toBe("ready");
    const id = (await server.app.context.db.getRun(runId))?.environmentId ?? "";
    expect(runtime.get(id)?.spec.labels?.["circus.pool"]).toBe(SCENARIO_ID);
    // The primed login shell runs before any socket.
    expect(await shells(id)).toBe(1);

    const terminal = new TerminalTestClient(server.origin, {
      run: runId,
      terminal: "1",
      cookie: cookieHeaderOf(learner),
    });
    try {
      expect(await terminal.opened).toBe("open");
      terminal.sendControl({ type: "resize", cols: 100, rows: 30 });
      await terminal.waitForHello();
      await terminal.waitForText(/root@node1:~# /);
      terminal.type("echo primed-$((6*7))\r");
      await terminal.waitForText(/primed-42\r\n/);
      // Taken over, not opened beside it.
      expect(await shells(id)).toBe(1);
    } finally {
      terminal.socket.terminate();
    }
  });
});
