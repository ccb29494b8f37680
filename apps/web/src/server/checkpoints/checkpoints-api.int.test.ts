// Checkpoints, rewind, save and resume through the real server, the real engine and a real SQLite
// database: a step's checkpoint is an image labelled with the run, "rewind" recreates the hosts from it
// (files back, processes and tmpfs gone, the step's setup run again), and only the run's learner may act.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CHECKPOINT_LABEL, runCommand } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntilSettled, removeTestResources } from "../test/api-test-scenario";
import { sqliteTestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";

const SCENARIO = "checkpoint-test";
const FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Checkpoint test",
    "hosts:",
    "  - name: node1",
    "    image: circus/base",
    "---",
    "Intro.",
  ].join("\n"),
  "01-one.md": [
    "# One",
    "",
    "```bash setup",
    "echo setup1 >> /root/setup.log",
    "```",
    "",
    "```bash verify",
    "test -f /root/one.txt",
    "```",
  ].join("\n"),
  "02-two.md": [
    "# Two",
    "",
    "```bash setup",
    "echo setup2 >> /root/setup.log",
    "```",
    "",
    "```bash verify",
    "test -f /root/two.txt",
    "```",
  ].join("\n"),
  "03-three.md": ["# Three", "", "Done."].join("\n"),
};

describe("checkpoints and rewind (real server, engine and SQLite)", () => {
  const testId = randomBytes(6).toString("hex");
  let folder: string;
  let database: { url: string; cleanup(): Promise<void> };
  let server: WebTestServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "circus-checkpoints-"));
    for (const [path, content] of Object.entries(FILES)) {
      const file = join(folder, "scenarios", SCENARIO, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    database = await sqliteTestDatabase("circus-checkpoints-db");
    server = await startWebTestServer({
      scenariosDir: join(folder, "scenarios"),
      databaseUrl: database.url,
      testId,
      secret: randomBytes(32).toString("base64url"),
    });
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
    const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO } });
    expect(started.status).toBe(202);
    expect((await pollUntilSettled(client, started.json.run.id)).json.run.status).toBe("ready");
    return started.json.run.id;
  }

  async function sh(runId: string, script: string): Promise<string> {
    const { runtime, db } = server.app.context;
    const environmentId = (await db.getRun(runId))?.environmentId ?? "";
    const result = await runCommand(runtime.docker, runtime.containerOf(environmentId, "node1"), { script });
    return result.stdout.trim();
  }

  async function checkpointSteps(runId: string): Promise<number[]> {
    const images = await server.app.context.runtime.docker.listImages({
      filters: { label: [`${CHECKPOINT_LABEL.owner}=${runId}`] },
    });
    return images.map((image) => Number(image.Labels[CHECKPOINT_LABEL.step])).sort();
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("checkpoints a passed step and rewinds to it: files back, later work, processes and tmpfs gone", async () => {
    const owner = await learner();
    const runId = await startReadyRun(owner);
    const run = `/api/runs/${runId}`;
    expect((await owner.request("POST", `${run}/steps/0/show`)).status).toBe(200);
    await sh(runId, "echo one > /root/one.txt");
    expect((await owner.request("POST", `${run}/steps/0/check`)).json).toEqual({ passed: true });
    expect(
      await waitFor(
        () => checkpointSteps(runId),
        (steps) => steps.length === 1,
      ),
    ).toEqual([0]);

    expect((await owner.request("POST", `${run}/next`)).json.run.currentStep).toBe(1);
    expect((await owner.request("POST", `${run}/steps/1/show`)).status).toBe(200);
    await sh(runId, "echo two > /root/two.txt; echo scratch > /tmp/scratch; (sleep 4343 &)");
    expect(await sh(runId, "cat /root/setup.log")).toBe("setup1\nsetup2");

    // Another learner cannot rewind it (404, as for every run route), nor can a request without CSRF.
    const stranger = await learner();
    const foreign = await stranger.request("POST", `${run}/rewind`, { body: { step: 1 } });
    expect(foreign.status).toBe(404);
    expect((await owner.request("POST", `${run}/rewind`, { body: { step: 1 }, csrf: "none" })).status).toBe(403);
    expect((await owner.request("POST", `${run}/rewind`, { body: { step: 2 } })).status).toBe(409);
    expect((await owner.request("POST", `${run}/rewind`, { body: { step: "x" } })).status).toBe(400);
    expect(await sh(runId, "cat /root/two.txt")).toBe("two");

    const rewound = await owner.request("POST", `${run}/rewind`, { body: { step: 1 } });
    expect(rewound.status).toBe(200);
    expect(rewound.json.rewound).toMatchObject({ step: 1, from: "checkpoint", failedSetups: [] });
    expect(rewound.json.rewound.keeps).toMatch(/files/);
    expect(rewound.json.rewound.loses).toMatch(/processes.*tmpfs/);
    expect(rewound.json.run).toMatchObject({ currentStep: 1, hostStates: [{ name: "node1", state: "running" }] });
    // The checkpoint of step 1 (when step 0 passed) holds one.txt; step 2's setup ran again on top of it.
    expect(await sh(runId, "cat /root/one.txt; ls /root; cat /root/setup.log")).toBe(
      "one\none.txt\nsetup.log\nsetup1\nsetup2",
    );
    expect(await sh(runId, 'ls /tmp; pgrep -fx "sleep 4343" || echo none')).toBe("none");

    // Back to the very start: the scenario's image, the intro and step 1's setup.
    const restarted = await owner.request("POST", `${run}/rewind`, { body: { step: 0 } });
    expect(restarted.json.rewound).toMatchObject({ step: 0, from: "start" });
    expect(await sh(runId, "ls /root; cat /root/setup.log")).toBe("setup.log\nsetup1");
    // Rewinding to step 0 dropped the checkpoints of the steps being redone.
    expect(await checkpointSteps(runId)).toEqual([]);

    const events = await server.app.context.db.listEvents({ runId });
    expect(events.filter((event) => event.type === "run.rewound")).toHaveLength(2);

    // Stopping the run removes its checkpoints.
    await sh(runId, "echo one > /root/one.txt");
    expect((await owner.request("POST", `${run}/steps/0/check`)).json).toEqual({ passed: true });
    expect(
      await waitFor(
        () => checkpointSteps(runId),
        (steps) => steps.length === 1,
      ),
    ).toEqual([0]);
    expect((await owner.request("POST", `${run}/stop`)).json.run.status).toBe("stopped");
    expect(
      await waitFor(
        () => checkpointSteps(runId),
        (steps) => steps.length === 0,
      ),
    ).toEqual([]);
  });
});
