// Checkpoints, rewind, save and resume through the real server, the real engine and a real SQLite
// database: a step's checkpoint is an image labelled with the run, "rewind" recreates the hosts from it
// (files back, processes and tmpfs gone, the step's setup run again), and only the run's learner may act.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CHECKPOINT_LABEL, connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewRun } from "../runs/run-lifecycle";
import { pollUntilSettled, removeTestResources } from "../test/api-test-scenario";
import { sqliteTestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";
import { reapCheckpoints } from "./run-checkpoints";
import { assertSavingAllowed } from "./save-run";

/** An engine client of the test's own, to look at checkpoint images from outside the server. */
const engine = await connectEngine();

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
      // Small enough that one lab with a 6 MiB file does not fit.
      env: { CIRCUS_SAVED_LAB_STORAGE_MIB_PER_LEARNER: "5" },
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
    const result = await runtime.environment(environmentId).commands.run("node1", { script });
    return result.stdout.trim();
  }

  async function checkpointSteps(runId: string): Promise<number[]> {
    const images = await engine.listImages({
      filters: { label: [`${CHECKPOINT_LABEL.owner}=${runId}`] },
    });
    return images.map((image) => Number(image.Labels[CHECKPOINT_LABEL.step])).sort();
  }

  async function checkpointImageIds(runId: string): Promise<string[]> {
    const images = await engine.listImages({ all: true, filters: { label: [`${CHECKPOINT_LABEL.owner}=${runId}`] } });
    return images.map((image) => image.Id);
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
    // Passing the same Check again takes no new checkpoint (each would commit every host again).
    const [first] = await checkpointImageIds(runId);
    expect((await owner.request("POST", `${run}/steps/0/check`)).json).toEqual({ passed: true });
    await server.app.context.checkpoints.settled(runId);
    expect(await checkpointImageIds(runId)).toEqual([first]);

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

  it("saves and leaves, lists the lab, resumes it with the same files and step; only its learner may", async () => {
    const owner = await learner();
    const runId = await startReadyRun(owner);
    const run = `/api/runs/${runId}`;
    await owner.request("POST", `${run}/steps/0/show`);
    await sh(runId, "echo one > /root/one.txt");
    expect((await owner.request("POST", `${run}/steps/0/check`)).json).toEqual({ passed: true });
    await owner.request("POST", `${run}/next`);
    await owner.request("POST", `${run}/steps/1/show`);
    await sh(runId, "echo mine > /root/work.txt; echo scratch > /tmp/scratch");
    const environmentId = (await server.app.context.db.getRun(runId))?.environmentId ?? "";

    const stranger = await learner();
    expect((await stranger.request("POST", `${run}/save`)).status).toBe(404);
    expect((await owner.request("POST", `${run}/save`, { csrf: "none" })).status).toBe(403);

    const saved = await owner.request("POST", `${run}/save`);
    expect(saved.status).toBe(200);
    expect(saved.json.run).toMatchObject({ status: "saved", currentStep: 1 });
    expect(saved.json.saved.sizeBytes).toBeGreaterThan(0);
    expect(saved.json.saved.capBytes).toBe(5 * 1024 * 1024);
    expect(server.app.context.runtime.get(environmentId)).toBeUndefined();
    expect((await owner.request("GET", run)).json.run.status).toBe("saved");

    const labs = await owner.request("GET", "/api/labs");
    expect(labs.json.labs).toMatchObject([
      { runId, scenarioId: SCENARIO, step: 1, stepTitle: "Two", url: `/runs/${runId}` },
    ]);
    expect(labs.json.usedBytes).toBe(labs.json.labs[0].sizeBytes);
    expect((await stranger.request("GET", "/api/labs")).json.labs).toEqual([]);
    expect((await stranger.request("POST", `${run}/resume`)).status).toBe(404);
    expect((await stranger.request("DELETE", `/api/labs/${runId}`)).status).toBe(404);

    // The catalog's start button leads back to the saved run.
    const again = await owner.request("POST", "/api/runs", { body: { scenarioId: SCENARIO } });
    expect(again.json.run).toMatchObject({ id: runId, status: "saved" });

    const resumed = await owner.request("POST", `${run}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.json.run).toMatchObject({ status: "ready", currentStep: 1 });
    expect(resumed.json.resumed.step).toBe(1);
    expect(resumed.json.resumed.keeps).toMatch(/files/);
    expect(resumed.json.resumed.notCarriedOver.join(" ")).toMatch(/processes.*tmpfs/);
    expect(await sh(runId, "cat /root/work.txt /root/one.txt; ls /tmp; cat /root/setup.log")).toBe(
      "mine\none\nsetup1\nsetup2\nsetup2",
    );
    expect((await owner.request("GET", "/api/labs")).json.labs).toEqual([]);
    expect((await owner.request("POST", `${run}/resume`)).status).toBe(404);
    // The step checkpoint survived the save: rewinding still works after resuming.
    const rewound = await owner.request("POST", `${run}/rewind`, { body: { step: 1 } });
    expect(rewound.json.rewound).toMatchObject({ from: "checkpoint" });
    expect(await sh(runId, "ls /root")).toBe("one.txt\nsetup.log");

    // Save again, then delete it from My labs: its images go and the run ends.
    expect((await owner.request("POST", `${run}/save`)).status).toBe(200);
    expect((await owner.request("DELETE", `/api/labs/${runId}`)).json).toEqual({ deleted: true });
    expect((await owner.request("GET", run)).json.run.status).toBe("stopped");
    expect(await checkpointSteps(runId)).toEqual([]);
    expect((await owner.request("GET", "/api/labs")).json.labs).toEqual([]);
  });

  it("refuses to save beyond the learner's storage cap or where a workshop forbids it; reaps saved labs past retention", async () => {
    const owner = await learner();
    const runId = await startReadyRun(owner);
    // Outside a workshop, with a storage cap above 0, the player is told to offer "Save and leave".
    expect((await owner.request("GET", `/api/runs/${runId}`)).json.run.savingAllowed).toBe(true);
    await sh(runId, "head -c 6000000 /dev/urandom > /root/big");
    const refused = await owner.request("POST", `/api/runs/${runId}/save`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("saved_lab_storage_full");
    expect(refused.json.error.message).toMatch(/My labs/);
    // The lab goes on as before, and no saved image is left behind.
    expect((await owner.request("GET", `/api/runs/${runId}`)).json.run.status).toBe("ready");
    expect(await sh(runId, "stat -c %s /root/big")).toBe("6000000");
    await sh(runId, "rm /root/big");
    expect((await owner.request("POST", `/api/runs/${runId}/save`)).status).toBe(200);

    // Past its retention (14 days by default) the reaper ends the saved lab and removes its images.
    await reapCheckpoints(server.app.context, new Date(Date.now() + 13 * 86_400_000));
    expect((await owner.request("GET", "/api/labs")).json.labs).toHaveLength(1);
    await reapCheckpoints(server.app.context, new Date(Date.now() + 15 * 86_400_000));
    expect((await owner.request("GET", "/api/labs")).json.labs).toEqual([]);
    expect((await owner.request("GET", `/api/runs/${runId}`)).json.run.status).toBe("expired");
    expect(await checkpointSteps(runId)).toEqual([]);

    const { db } = server.app.context;
    const instructor = await db.createInstructor({
      email: `owner-${testId}@example.org`,
      displayName: "Owner",
      passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$aGFzaA",
      firstAdmin: true,
    });
    const workshop = await db.createWorkshop({
      ownerId: instructor.id,
      title: "No saving",
      scenarioIds: [SCENARIO],
      startsAt: new Date(Date.now() + 86_400_000),
      endsAt: new Date(Date.now() + 2 * 86_400_000),
      capacity: 5,
      ttlSeconds: 600,
      reserveMinutes: 0,
      joinCode: `code-${testId}`,
      allowSaving: false,
    });
    const learnerRecord = await db.ensureLearner();
    const workshopRun = await db.createRun({
      learnerId: learnerRecord.id,
      scenarioId: SCENARIO,
      expiresAt: new Date(Date.now() + 600_000),
      workshopId: workshop.id,
    });
    await expect(assertSavingAllowed(server.app.context, workshopRun)).rejects.toMatchObject({
      code: "saving_disabled",
    });
    // The run view tells the player, which then does not offer "Save and leave" (lab-controls.test.ts).
    expect((await viewRun(server.app.context, learnerRecord.id, workshopRun.id)).savingAllowed).toBe(false);
    await db.updateWorkshop(workshop.id, { allowSaving: true });
    await expect(assertSavingAllowed(server.app.context, workshopRun)).resolves.toBeUndefined();
    expect((await viewRun(server.app.context, learnerRecord.id, workshopRun.id)).savingAllowed).toBe(true);
  });
});
