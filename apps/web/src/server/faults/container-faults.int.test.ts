// Fault suite: a learner's host is OOM-killed or its PID 1 is killed. The run view says which host
// stopped and why, an action on it answers 410 with that message, and restarting the host brings it
// back from its image with the scenario's assets and setup applied again; the terminal works again.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine, runCommand } from "@circus/sandbox";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_SCENARIO_ID, writeFaultScenario } from "../test/fault-scenario";
import { startReadyRun } from "../test/ready-run";
import { sqliteTestDatabase, type TestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";
import { openTerminal, removeTestResources, runInTerminal, testResources } from "./fault-learner";

/**
 * Makes the host's PID 1 and its child the OOM killer's first choice, then fills the 64 MiB limit with two
 * smaller allocations, so the kernel kills the container's main process (as a real runaway would).
 */
const OOM_SCRIPT = [
  "for p in 1 $(cat /proc/1/task/1/children); do echo 1000 > /proc/$p/oom_score_adj; done",
  "head -c 40m /dev/zero | tail > /dev/null & head -c 40m /dev/zero | tail > /dev/null; wait",
].join("\n");

describe("a learner's host dies", () => {
  const testId = `fault-host-${randomBytes(4).toString("hex")}`;
  let docker: Dockerode;
  let scenariosDir: string;
  let database: TestDatabase;
  let server: WebTestServer;
  let learner: LearnerClient;
  let runId: string;

  beforeAll(async () => {
    docker = await connectEngine();
    scenariosDir = await mkdtemp(join(tmpdir(), "circus-fault-scenarios-"));
    await writeFaultScenario(scenariosDir);
    database = await sqliteTestDatabase("fault-host");
    server = await startWebTestServer({
      scenariosDir,
      databaseUrl: database.url,
      testId,
      secret: randomBytes(32).toString("base64url"),
    });
    learner = new LearnerClient(server.origin);
    await learner.visit();
    runId = await startReadyRun(learner, FAULT_SCENARIO_ID);
  });

  afterAll(async () => {
    await server?.close();
    await removeTestResources(docker, testId);
    await database?.cleanup();
    await rm(scenariosDir, { recursive: true, force: true });
  });

  const hostContainer = async () => {
    const { containers } = await testResources(docker, testId);
    expect(containers).toHaveLength(1);
    return containers[0]!;
  };

  const waitForStoppedHost = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const view = await learner.request("GET", `/api/runs/${runId}`);
      const host = view.json.run.hostStates?.[0];
      if (host?.state === "stopped") return { run: view.json.run, host };
      if (Date.now() > deadline) throw new Error(`the host did not show as stopped: ${JSON.stringify(view.json)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const restartAndCheck = async (oldContainerId: string) => {
    const restarted = await learner.request("POST", `/api/runs/${runId}/hosts/node1/restart`);
    expect(restarted.status, JSON.stringify(restarted.json)).toBe(200);
    expect(restarted.json.run.hostStates).toEqual([{ name: "node1", state: "running" }]);
    const container = await hostContainer();
    expect(container.Id).not.toBe(oldContainerId);
    expect(container.State).toBe("running");
    // Assets copied again and the intro setup run again, in the new container.
    const files = await runCommand(docker, container.Id, { script: "cat /root/hello.txt /root/prepared.txt" });
    expect(files.stdout).toBe("hello from the assets\nprepared\n");
    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "hostname", "back");
    terminal.close();
  };

  it("shows an OOM-killed host with its reason and restarts it", async () => {
    const before = await hostContainer();
    const terminal = await openTerminal(server.origin, learner, runId);
    await runCommand(docker, before.Id, { script: OOM_SCRIPT, timeoutMs: 30_000 }).catch(() => undefined);
    const { run, host } = await waitForStoppedHost();
    expect(run.status).toBe("ready");
    expect(host.message).toMatch(/node1 .*more memory/);
    // The learner's shell ended with its host.
    await terminal.closed;
    // Acting on the dead host says what happened and what to do.
    const check = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect(check.status).toBe(410);
    expect(check.json.error).toMatchObject({ code: "container_died" });
    expect(check.json.error.message).toMatch(/restart the host/);
    await restartAndCheck(before.Id);
  });

  it("shows a host whose PID 1 was killed and restarts it", async () => {
    const before = await hostContainer();
    await docker.getContainer(before.Id).kill({ signal: "SIGKILL" });
    const { host } = await waitForStoppedHost();
    expect(host.message).toMatch(/Host node1 stopped \(exit code 137\)/);
    await restartAndCheck(before.Id);
  });
});
