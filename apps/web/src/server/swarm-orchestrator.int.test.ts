// The web server on Docker Swarm (CIRCUS_ORCHESTRATOR=swarm), started by startCircus against a real 3-node
// Docker-in-Docker Swarm (sandbox/test/swarm-cluster.ts; one cluster for the whole file): a learner's
// terminal, Check, file save and preview on a lab that runs on workers; Save and leave, then a resume on
// another node from the checkpoint pushed to the cluster's registry; then that worker is killed: the
// player's run stream shows the host lost with its machine, the run is marked in the database, a new start
// and the Restart go to live nodes, and the returned node keeps nothing behind. The manager is paused
// (availability=pause) for the whole file: it takes no new environment.
// Hosts use the small stand-in images (bash for the terminal, python3 for the preview's relay).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SwarmCluster, startSwarmCluster } from "../../../../sandbox/test/swarm-cluster";
import type { RunView } from "../contract/run-view";
import { openTerminal, runInTerminal } from "./faults/fault-learner";
import { cookieHeaderOf } from "./terminals/terminal-test-client";
import { waitForReadyRun } from "./test/ready-run";
import { SWARM_SCENARIO_ID, TOO_BIG_SCENARIO_ID, writeSwarmScenario } from "./test/swarm-scenario";
import { LearnerClient, startWebTestServer, TEST_LABEL, type WebTestServer } from "./test/web-test-server";

const IMAGES = ["circus/standin-debian:latest", "circus/standin-python:latest"];
const SCOPE = "web-swarm-int";
const NOTICE_DEADLINE_MS = 30_000;

interface SwarmTask {
  NodeID?: string;
  CreatedAt: string;
  Status: { State: string };
}

let cluster: SwarmCluster;
let folder: string;
let server: WebTestServer;
let learner: LearnerClient;
let runId: string;
const testId = `${SCOPE}-${randomBytes(3).toString("hex")}`;

/** The node that runs a host of the run's environment now (from the manager's newest task). */
async function nodeOf(host: string, ofRun = runId) {
  const run = await server.app.context.db.getRun(ofRun);
  const tasks = (await cluster.manager.listTasks({
    filters: { service: [`circus-${run?.environmentId}-${host}`], "desired-state": ["running"] },
  })) as SwarmTask[];
  const task = tasks.sort((a, b) => Date.parse(b.CreatedAt) - Date.parse(a.CreatedAt))[0];
  const node = cluster.nodes.find((candidate) => candidate.nodeId === task?.NodeID);
  if (!node) throw new Error(`host ${host} runs on no known node: ${JSON.stringify(tasks)}`);
  return node;
}

async function setAvailability(nodeId: string, availability: "active" | "pause"): Promise<void> {
  const node = cluster.manager.getNode(nodeId);
  const { Version, Spec } = (await node.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
  await node.update({ version: Version.Index, ...Spec, Availability: availability });
}

/** Reads the player's run stream (SSE) until a `run` event satisfies `wanted`, or the deadline passes. */
async function streamUntil(wanted: (run: RunView) => boolean, timeoutMs: number): Promise<RunView> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${server.origin}/api/runs/${runId}/events`, {
      headers: { cookie: cookieHeaderOf(learner) },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      for (let end = buffered.indexOf("\n\n"); end !== -1; end = buffered.indexOf("\n\n")) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!/^event: run$/m.test(message)) continue;
        const data = message.match(/^data: (.*)$/m)?.[1];
        const run = data ? (JSON.parse(data) as { run: RunView }).run : undefined;
        if (run && wanted(run)) return run;
      }
    }
    throw new Error("the run stream ended before the wanted view");
  } catch (error) {
    if (controller.signal.aborted)
      throw new Error(`the run stream did not show the wanted view within ${timeoutMs} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const secret = randomBytes(32).toString("base64url");

/** The web server on this cluster (a later one on the same database and scope adopts what the first left). */
function startSwarmServer(env: Record<string, string> = {}): Promise<WebTestServer> {
  const manager = cluster.nodes.find((node) => node.role === "manager")!;
  return startWebTestServer({
    scenariosDir: join(folder, "scenarios"),
    databaseUrl: `file:${join(folder, "circus.db")}`,
    testId,
    secret,
    reapIntervalMs: 2_000,
    env: {
      CIRCUS_ORCHESTRATOR: "swarm",
      CIRCUS_SWARM_MANAGER: `tcp://${manager.address}:2376`,
      CIRCUS_SWARM_TLS_DIR: join(folder, "tls"),
      CIRCUS_REGISTRY: cluster.registry,
      CIRCUS_SWARM_PROBE_IMAGE: IMAGES[0]!,
      CIRCUS_SWARM_NODE_WATCH_MS: "1000",
      ...env,
    },
  });
}

beforeAll(async () => {
  cluster = await startSwarmCluster({ scope: testId, images: IMAGES });
  await cluster.pullEverywhere(IMAGES);
  folder = await mkdtemp(join(tmpdir(), "circus-web-swarm-"));
  const tlsDir = join(folder, "tls");
  await mkdir(tlsDir, { mode: 0o700 });
  await writeFile(join(tlsDir, "ca.pem"), cluster.tls.ca);
  await writeFile(join(tlsDir, "cert.pem"), cluster.tls.cert);
  await writeFile(join(tlsDir, "key.pem"), cluster.tls.key, { mode: 0o600 });
  await writeSwarmScenario(join(folder, "scenarios"));
  // The manager takes no new environments (and keeps what it runs): every lab lands on a worker.
  const manager = cluster.nodes.find((node) => node.role === "manager")!;
  await setAvailability(manager.nodeId, "pause");
  server = await startSwarmServer();
  learner = new LearnerClient(server.origin);
  await learner.visit();
  const started = await learner.request("POST", "/api/runs", { body: { scenarioId: SWARM_SCENARIO_ID } });
  expect(started.status, JSON.stringify(started.json)).toBe(202);
  runId = started.json.run.id;
  await waitForReadyRun(learner, runId);
}, 400_000);

afterAll(async () => {
  await server?.close();
  await cluster?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
}, 120_000);

describe("the web server on Docker Swarm", () => {
  it("gives a learner a terminal, Check, file save and preview on a lab that runs on a worker", async () => {
    expect((await nodeOf("node1")).role).toBe("worker");
    expect((await nodeOf("web")).role).toBe("worker");

    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "hostname; touch /root/made.txt", "made");
    expect(terminal.text()).toContain("node1");
    const check = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect(check.status, JSON.stringify(check.json)).toBe(200);
    expect(check.json.passed).toBe(true);

    const filesUrl = `/api/runs/${runId}/files?${new URLSearchParams({ host: "node1", path: "/root/notes.txt" })}`;
    const saved = await learner.request("PUT", filesUrl, { body: { content: "saved on a worker\n" } });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    await runInTerminal(terminal, "cat /root/notes.txt", "read");
    expect(terminal.text()).toContain("saved on a worker");
    terminal.close();

    // The stand-in python image has busybox's `timeout`, which the runtime's commands do not accept: the
    // page server is started through the node's engine directly (the preview itself goes through Circus).
    const webNode = await nodeOf("web");
    const run = await server.app.context.db.getRun(runId);
    const [container] = await webNode.docker.listContainers({
      filters: { label: [`circus.environment=${run?.environmentId}`, "circus.host=web"] },
    });
    const exec = await webNode.docker.getContainer(container!.Id).exec({
      Cmd: [
        "sh",
        "-c",
        "mkdir -p /srv && echo hello-from-swarm > /srv/hello.txt && exec python3 -m http.server 8000 --bind 127.0.0.1 --directory /srv",
      ],
    });
    await exec.start({ Detach: true });
    const deadline = Date.now() + 20_000;
    let preview: Response;
    for (;;) {
      preview = await fetch(`${server.origin}/preview/${runId}/web/8000/hello.txt`, {
        headers: { cookie: cookieHeaderOf(learner) },
      });
      if (preview.status !== 502 || Date.now() > deadline) break;
      await preview.body?.cancel();
      await sleep(200);
    }
    expect(preview.status).toBe(200);
    expect(await preview.text()).toBe("hello-from-swarm\n");
  });

  it("saves the lab and resumes it on another node with the same files (its checkpoint went through the registry)", async () => {
    const before = await nodeOf("node1");
    const saved = await learner.request("POST", `/api/runs/${runId}/save`);
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(saved.json.run.status).toBe("saved");
    // The node that held the lab takes nothing new: the resumed hosts must come from the registry elsewhere.
    await setAvailability(before.nodeId, "pause");
    try {
      const resumed = await learner.request("POST", `/api/runs/${runId}/resume`);
      expect(resumed.status, JSON.stringify(resumed.json)).toBe(200);
      await waitForReadyRun(learner, runId);
      const after = await nodeOf("node1");
      expect(after.nodeId).not.toBe(before.nodeId);
      const filesUrl = `/api/runs/${runId}/files?${new URLSearchParams({ host: "node1", path: "/root/notes.txt" })}`;
      const read = await learner.request("GET", filesUrl);
      expect(read.status, JSON.stringify(read.json)).toBe(200);
      expect(read.json.content).toBe("saved on a worker\n");
    } finally {
      await setAvailability(before.nodeId, "active");
    }
  });

  it("fails a start that no node has room for within seconds, saying why, and leaves no service behind", async () => {
    const client = new LearnerClient(server.origin);
    await client.visit();
    const started = await client.request("POST", "/api/runs", { body: { scenarioId: TOO_BIG_SCENARIO_ID } });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const deadline = Date.now() + 60_000;
    let view: RunView;
    for (;;) {
      view = (await client.request("GET", `/api/runs/${started.json.run.id}`)).json.run;
      if (view.status !== "starting" || Date.now() > deadline) break;
      await sleep(500);
    }
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/no node has room/);
    const services = (await cluster.manager.listServices({
      filters: { label: [`${TEST_LABEL}=${testId}`] },
    })) as { Spec: { Labels?: Record<string, string> } }[];
    expect(services.filter((service) => service.Spec.Labels?.["circus.owner"] === started.json.run.id)).toEqual([]);
  });

  it("reaps environments past their lifetime or idle timeout, removing their services", async () => {
    const { runtime } = server.app.context;
    const host = { name: "main", image: IMAGES[0]!, cpus: 0.1, memoryMiB: 32, pids: 32 };
    const expiring = await runtime.create({ hosts: [host], ttlSeconds: 2, idleTimeoutSeconds: 600 });
    const idle = await runtime.create({ hosts: [host], ttlSeconds: 600, idleTimeoutSeconds: 2 });
    const deadline = Date.now() + 30_000;
    while ((runtime.get(expiring.id) || runtime.get(idle.id)) && Date.now() < deadline) await sleep(250);
    expect(runtime.get(expiring.id)).toBeUndefined();
    expect(runtime.get(idle.id)).toBeUndefined();
    const services = (await cluster.manager.listServices({
      filters: { label: [`circus.environment=${expiring.id}`] },
    })) as unknown[];
    expect(services).toEqual([]);
    expect(await cluster.manager.listServices({ filters: { label: [`circus.environment=${idle.id}`] } })).toEqual([]);
  });

  it("tells the learner when the worker running the lab dies, restarts the host on a live node, and leaves nothing behind", async () => {
    const worker = await nodeOf("node1");
    const webOnSameWorker = (await nodeOf("web")).nodeId === worker.nodeId;
    // The stream is opened first, as the player holds it; the view it pushes must say node1 was lost.
    const lost = streamUntil(
      (run) => run.hostStates?.some((host) => host.name === "node1" && host.cause === "node_lost") === true,
      NOTICE_DEADLINE_MS,
    );
    await sleep(200);
    await cluster.kill(worker);
    const view = await lost;
    expect(view.status).toBe("ready");
    expect(view.hostStates?.find((host) => host.name === "node1")?.message).toMatch(/machine that ran host node1/);

    // The run is marked in the database: the event names the host and its lost node.
    const events = await server.app.context.db.listEvents({ runId, type: "host.node_lost" });
    expect(events.map((event) => event.data)).toContainEqual({ host: "node1", node: worker.name });
    // Acting on the lost host says what happened and what to do.
    const check = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect(check.status).toBe(410);
    expect(check.json.error.code).toBe("host_node_lost");

    // A new start meanwhile goes to a live node.
    const other = new LearnerClient(server.origin);
    await other.visit();
    const otherStart = await other.request("POST", "/api/runs", { body: { scenarioId: SWARM_SCENARIO_ID } });
    expect(otherStart.status, JSON.stringify(otherStart.json)).toBe(202);
    const otherRun = await waitForReadyRun(other, otherStart.json.run.id);
    expect(otherRun.hostStates?.every((host) => host.state === "running")).toBe(true);
    for (const host of ["node1", "web"]) expect((await nodeOf(host, otherRun.id)).nodeId).not.toBe(worker.nodeId);

    // Restart: the host starts on a live node (the manager is paused: the other worker), set up again.
    const restarted = await learner.request("POST", `/api/runs/${runId}/hosts/node1/restart`);
    expect(restarted.status, JSON.stringify(restarted.json)).toBe(200);
    expect(restarted.json.run.hostStates.find((host: { name: string }) => host.name === "node1")).toEqual({
      name: "node1",
      state: "running",
    });
    const placed = await nodeOf("node1");
    expect(placed.nodeId).not.toBe(worker.nodeId);
    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "cat /root/prepared.txt", "again");
    expect(terminal.text()).toContain("prepared");
    terminal.close();
    if (webOnSameWorker) {
      expect((await learner.request("POST", `/api/runs/${runId}/hosts/web/restart`)).status).toBe(200);
    }

    // The node returns: the reaper removes what the lost tasks left there.
    await cluster.restart(worker);
    const until = Date.now() + 60_000;
    for (;;) {
      const left = await worker.docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${testId}`] } });
      if (left.length === 0) break;
      if (Date.now() > until) throw new Error(`left on the returned node: ${left.map((c) => c.Names).join(", ")}`);
      await sleep(500);
    }
    // The lab goes on.
    const again = await learner.request("POST", `/api/runs/${runId}/steps/0/check`);
    expect(again.status, JSON.stringify(again.json)).toBe(200);
  });
  it("adopts the learner's lab after a restart of the server, and serves a new learner from a warm pool", async () => {
    const before = await learner.request("GET", `/api/runs/${runId}`);
    const environmentId = (await server.app.context.db.getRun(runId))?.environmentId;
    await server.close();
    server = await startSwarmServer({ CIRCUS_WARM_POOL_SIZE: "1" });
    learner.origin = server.origin;
    // The run is still ready on the same environment, and its terminal works.
    const after = await learner.request("GET", `/api/runs/${runId}`);
    expect(after.json.run.status).toBe("ready");
    expect(after.json.run.hostStates).toEqual(before.json.run.hostStates);
    expect(server.app.context.runtime.get(environmentId!)).toBeDefined();
    const terminal = await openTerminal(server.origin, learner, runId);
    await runInTerminal(terminal, "cat /root/prepared.txt", "adopted");
    terminal.close();

    // The newcomer's lab is one the pool made before the start (the pool may have replaced the first one it
    // made: a host it saw stop is dropped and another made), not one created for the newcomer.
    const pool = server.app.context.pools.get(SWARM_SCENARIO_ID)!;
    await pool.whenFull();
    const startedAt = Date.now();
    const newcomer = new LearnerClient(server.origin);
    await newcomer.visit();
    const started = await newcomer.request("POST", "/api/runs", { body: { scenarioId: SWARM_SCENARIO_ID } });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await waitForReadyRun(newcomer, started.json.run.id);
    const claimedId = (await server.app.context.db.getRun(started.json.run.id))?.environmentId;
    const claimed = server.app.context.runtime.get(claimedId!);
    const seen = JSON.stringify({ claimed: claimedId, stats: pool.stats(), labels: claimed?.spec.labels });
    expect(claimed?.spec.labels?.["circus.pool"], seen).toBe(SWARM_SCENARIO_ID);
    expect(claimed!.createdAt.getTime(), seen).toBeLessThan(startedAt);
    expect(pool.stats().claimed, seen).toBe(1);
  });
});
