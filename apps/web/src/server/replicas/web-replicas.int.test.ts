// Two web replicas as real processes on one PostgreSQL and one engine, behind a real HAProxy with the
// committed docker/haproxy/haproxy.cfg: the start rate limit, the per-client limits (checks per run, wrong
// join codes, failed sign-ins) and the per-address cap hold across both (not doubled), the workshop dashboard and a run's stream on either replica hear what the other one does, and when the replica that
// holds a learner's terminal is killed (SIGKILL) mid-session, the terminal reconnects through HAProxy to
// the other replica and finds the same environment (a file written before is still there). Open terminal
// sockets are capped across both (CIRCUS_TERMINAL_SOCKETS_MAX): a closed socket's slot and a dead replica's
// slots are free again.
import { randomBytes } from "node:crypto";
import { connectEngine } from "@circus/sandbox";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTestResources, runInTerminal } from "../faults/fault-learner";
import { cookieHeaderOf, TerminalTestClient } from "../terminals/terminal-test-client";
import { waitForReadyRun } from "../test/ready-run";
import { REPLICA_HOST, REPLICA_SCENARIO_ID, type ReplicaCluster, startReplicaCluster } from "../test/replica-cluster";
import { LearnerClient } from "../test/web-test-server";
import { openSse, type SseTestClient } from "../workshops/sse-test-client";

const SETUP_TOKEN = randomBytes(24).toString("base64url");
/** The shortest idle timeout the configuration takes. */
const IDLE_SECONDS = 30;
/** Checks, saves and preview relays per run per minute (only the per-client limits case spends them). */
const ACTIONS_PER_MINUTE = 4;
/** Terminal sockets open at once on all replicas together. */
const TERMINAL_SOCKETS_MAX = 3;
/** Wrong join codes and failed sign-ins per address per minute (the defaults). */
const GUESSES_PER_MINUTE = 10;

describe("web replicas behind HAProxy", () => {
  let cluster: ReplicaCluster;
  let docker: Dockerode;
  const streams: SseTestClient[] = [];
  /** The learner whose run the last test plays on (started in the first). */
  let player: LearnerClient;
  let playerRunId = "";

  /** A request to one replica directly (the learner's origin stays HAProxy's). */
  const via = async (client: LearnerClient, replica: number, method: string, path: string, body?: unknown) => {
    const target = cluster.replicas[replica];
    if (!target) throw new Error(`replica ${replica} is not running`);
    const origin = client.origin;
    client.origin = target.origin;
    try {
      return await client.request(method, path, { origin: cluster.origin, ...(body === undefined ? {} : { body }) });
    } finally {
      client.origin = origin;
    }
  };
  /** A terminal socket of the player's run through HAProxy. */
  const connect = (runId: string, since?: number) =>
    new TerminalTestClient(cluster.origin, {
      run: runId,
      terminal: REPLICA_HOST,
      cookie: cookieHeaderOf(player),
      ...(since === undefined ? {} : { since }),
    });
  const visitor = async () => {
    const client = new LearnerClient(cluster.origin);
    await client.visit();
    return client;
  };

  beforeAll(async () => {
    docker = await connectEngine();
    cluster = await startReplicaCluster({
      env: {
        CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "2",
        CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000",
        CIRCUS_ENVIRONMENTS_PER_ADDRESS: "3",
        CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE: "1000",
        CIRCUS_SETUP_TOKEN: SETUP_TOKEN,
        CIRCUS_SANDBOX_IDLE_SECONDS: String(IDLE_SECONDS),
        CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE: String(ACTIONS_PER_MINUTE),
        CIRCUS_TERMINAL_SOCKETS_MAX: String(TERMINAL_SOCKETS_MAX),
      },
      // Each replica reaps (and re-syncs with the engine) every second.
      processEnv: { CIRCUS_SANDBOX_REAP_INTERVAL_MS: "1000" },
    });
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await cluster?.dispose();
    if (cluster) await removeTestResources(docker, cluster.testId);
  });

  it("counts a learner's starts on both replicas against one limit, and streams the run's launch to the other", async () => {
    player = await visitor();
    const start = (replica: number) => via(player, replica, "POST", "/api/runs", { scenarioId: REPLICA_SCENARIO_ID });
    const first = await start(0);
    expect(first.status, JSON.stringify(first.json)).toBe(202);
    playerRunId = first.json.run.id;
    // The player's run stream on the other replica (where HAProxy may send it) is pushed the launch's
    // progress, which replica 0 writes.
    const other = cluster.replicas[1];
    if (!other) throw new Error("replica missing");
    const runStream = await openSse(`${other.origin}/api/runs/${playerRunId}/events`, {
      cookie: cookieHeaderOf(player),
    });
    streams.push(runStream);
    // The second start (the active run, resumed) is counted on the other replica.
    const second = await start(1);
    expect(second.status, JSON.stringify(second.json)).toBeLessThan(300);
    expect(second.json.run.id).toBe(first.json.run.id);
    // Each replica saw one start; a limit per process would let both of these through.
    for (const replica of [0, 1]) {
      const refused = await start(replica);
      expect([refused.status, refused.json.error.code]).toEqual([429, "rate_limited"]);
    }
    const opening = await runStream.waitFor((event) => event.event === "run");
    expect(opening.data.run.status).toBe("starting");
    await runStream.waitFor((event) => event.event === "run" && event.data.run.status === "ready", 90_000);
  });

  it("shows runs of both replicas on the workshop dashboard of either, and caps an address across both", async () => {
    const admin = await visitor();
    const signedUp = await admin.request("POST", "/api/instructors/sign-up", {
      body: {
        email: "ada@example.org",
        displayName: "Ada",
        password: "a long enough password",
        setupToken: SETUP_TOKEN,
      },
    });
    expect(signedUp.status, JSON.stringify(signedUp.json)).toBe(201);
    const created = await admin.request("POST", "/api/workshops", {
      body: {
        title: "Replicas",
        scenarioIds: [REPLICA_SCENARIO_ID],
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        capacity: 2,
        ttlSeconds: 900,
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { id: workshopId, joinCode } = created.json.workshop;
    const dashboards: SseTestClient[] = [];
    for (const replica of [0, 1]) {
      const target = cluster.replicas[replica];
      if (!target) throw new Error("replica missing");
      const stream = await openSse(`${target.origin}/api/workshops/${workshopId}/events`, {
        cookie: cookieHeaderOf(admin),
      });
      streams.push(stream);
      dashboards.push(stream);
      await stream.waitFor((event) => event.event === "snapshot");
    }

    // Each participant joins and starts on a replica of its own.
    const participants = [];
    for (const replica of [0, 1]) {
      const client = await visitor();
      const joined = await via(client, replica, "POST", "/api/join", { code: joinCode, displayName: `P${replica}` });
      expect(joined.status, JSON.stringify(joined.json)).toBe(200);
      const started = await via(client, replica, "POST", "/api/runs", { scenarioId: REPLICA_SCENARIO_ID });
      expect(started.status, JSON.stringify(started.json)).toBe(202);

      participants.push({
        replica,
        runId: started.json.run.id as string,
        participantId: joined.json.workshop.participant.id,
      });
    }
    // Every dashboard sees both runs become ready, whichever replica launched them.
    for (const dashboard of dashboards) {
      for (const participant of participants) {
        await dashboard.waitFor(
          (event) =>
            event.event === "row" &&
            event.data.participantId === participant.participantId &&
            event.data.runId === participant.runId &&
            event.data.status === "ready",
          90_000,
        );
      }
    }

    // Three runs hold environments from this address (the player's and two participants'), two of them
    // launched by replica 0: replica 1 alone would count one.
    const fourth = await visitor();
    const refused = await via(fourth, 1, "POST", "/api/runs", { scenarioId: REPLICA_SCENARIO_ID });
    expect([refused.status, refused.json.error?.code]).toEqual([429, "environments_per_address"]);
  });

  it("counts checks per run, wrong join codes and failed sign-ins of both replicas against one limit", async () => {
    const runId = (await waitForReadyRun(player, playerRunId)).id;
    const check = (replica: number) => via(player, replica, "POST", `/api/runs/${runId}/steps/0/check`);
    const guess = (replica: number) =>
      via(player, replica, "POST", "/api/join", { code: "ZZZZ-ZZZZ", displayName: "G" });
    const signIn = (replica: number) =>
      via(player, replica, "POST", "/api/instructors/sign-in", {
        email: "nobody@example.org",
        password: "wrong password",
      });
    for (const [attempt, limit, allowedStatus] of [
      [check, ACTIONS_PER_MINUTE, 200],
      [guess, GUESSES_PER_MINUTE, 404],
      [signIn, GUESSES_PER_MINUTE, 401],
    ] as const) {
      // Half the limit on each replica: a limit per process would let every one of these through, and more.
      for (let index = 0; index < limit; index += 1) {
        const allowed = await attempt(index % 2);
        expect(allowed.status, JSON.stringify(allowed.json)).toBe(allowedStatus);
      }
      for (const replica of [0, 1]) {
        const refused = await attempt(replica);
        expect([refused.status, refused.json.error?.code], JSON.stringify(refused.json)).toEqual([429, "rate_limited"]);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
  });

  it("never lets a replica reap an environment that a learner keeps busy through the other one", async () => {
    const runId = (await waitForReadyRun(player, playerRunId)).id;
    const terminal = connect(runId);
    const holder = replicaOf(terminal);
    expect(await terminal.opened).toBe("open");
    terminal.sendControl({ type: "resize", cols: 100, rows: 30 });
    await terminal.waitForHello();
    const other = 1 - (await holder);
    // Typing through the holder for longer than the idle timeout, while the other replica holds the
    // environment too (it shows the run's hosts, which only a runtime that holds the environment can).
    const until = Date.now() + (IDLE_SECONDS + 6) * 1000;
    for (let round = 0; Date.now() < until; round += 1) {
      await runInTerminal(terminal, `echo busy-${round}`, `typed${round}`);
      const seen = await via(player, other, "GET", `/api/runs/${runId}`);
      expect(seen.json.run.status).toBe("ready");
      if (round > 0) expect(seen.json.run.hostStates).toEqual([{ name: REPLICA_HOST, state: "running" }]);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    terminal.close();
    const run = await via(player, other, "GET", `/api/runs/${runId}`);
    expect(run.json.run).toMatchObject({ status: "ready", hostStates: [{ name: REPLICA_HOST, state: "running" }] });
  });

  it("caps open terminal sockets across both replicas, freeing the slot of a closed socket and of a dead replica", async () => {
    const runId = (await waitForReadyRun(player, playerRunId)).id;
    /** A terminal socket of the player's run on one replica directly. */
    const on = (replica: number) => {
      const target = cluster.replicas[replica];
      if (!target) throw new Error(`replica ${replica} is not running`);
      return new TerminalTestClient(target.origin, {
        run: runId,
        terminal: REPLICA_HOST,
        cookie: cookieHeaderOf(player),
        origin: cluster.origin,
      });
    };
    /** Opens a socket on `replica`, retrying while the cap is full (a slot is freed asynchronously). */
    const openOn = async (replica: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const socket = on(replica);
        expect(await socket.opened).toBe("open");
        socket.sendControl({ type: "resize", cols: 80, rows: 24 });
        const verdict = await Promise.race([
          socket.closed.then(({ code }) => code),
          socket.waitForHello().then(
            () => "hello" as const,
            () => "no hello" as const,
          ),
        ]);
        if (verdict === "hello") return socket;
        expect(verdict).toBe(4429);
        if (Date.now() > deadline) throw new Error(`no terminal slot on replica ${replica} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const open: TerminalTestClient[] = [];
    try {
      open.push(await openOn(0, 0), await openOn(0, 0), await openOn(1, 0));
      // Replica 1 holds one socket itself, but three are open on the two together: refused.
      const refused = on(1);
      expect(await refused.opened).toBe("open");
      expect(await refused.closed).toEqual({ code: 4429, reason: "too many terminals open on the server" });

      // A socket closes on replica 0: its slot is free for replica 1.
      const [first] = open.splice(0, 1);
      first?.close();
      await first?.closed;
      open.push(await openOn(1, 5_000));

      // Replica 0 dies with a socket open: its slot goes with its database connection.
      const doomed = cluster.replicas[0];
      if (!doomed) throw new Error("replica 0 is not running");
      doomed.child.kill("SIGKILL");
      await doomed.exited;
      cluster.replicas[0] = undefined;
      open.push(await openOn(1, 10_000));
    } finally {
      for (const socket of open) socket.close();
      await Promise.all(open.map((socket) => socket.closed));
    }
    // Replica 0 again for the next case, once HAProxy counts it healthy (two checks a second apart).
    await cluster.startReplica(0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  });

  it("reconnects a terminal through HAProxy to the other replica, with the same environment, when its replica is killed", async () => {
    const runId = (await waitForReadyRun(player, playerRunId)).id;
    const before = connect(runId);
    const holder = replicaOf(before);
    expect(await before.opened).toBe("open");
    before.sendControl({ type: "resize", cols: 100, rows: 30 });
    await before.waitForHello();
    await runInTerminal(before, "echo kept-across-replicas > /root/replica.txt", "written");
    const containersBefore = (await docker.listContainers({ filters: { label: [`circus.scope=${cluster.testId}`] } }))
      .map((container) => container.Id)
      .sort();

    // Where the player's screen stands: it reconnects asking to continue from there.
    const shownUpTo = (before.hello()?.offset ?? 0) + before.receivedBytes;
    const index = await holder;
    const killed = cluster.replicas[index];
    if (!killed) throw new Error(`no replica behind ${await holder}`);
    killed.child.kill("SIGKILL");
    expect((await killed.exited).signal).toBe("SIGKILL");
    cluster.replicas[index] = undefined;
    expect((await before.closed).code).not.toBe(1000);

    // The player reconnects (with back-off) until HAProxy hands the run to the surviving replica.
    const deadline = Date.now() + 30_000;
    let after: TerminalTestClient | undefined;
    while (!after) {
      const attempt = connect(runId, shownUpTo);
      const served = replicaOf(attempt).catch(() => -1);
      if ((await attempt.opened) === "open") {
        after = attempt;
        expect(await served).not.toBe(index);
      } else if (Date.now() > deadline) throw new Error(`no reconnect through HAProxy\n${cluster.haproxy.output()}`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    after.sendControl({ type: "resize", cols: 100, rows: 30 });
    await after.waitForHello();
    // A new shell in the same container (the old one ended with its replica): its hello starts before
    // the player's offset, which makes the player clear the screen rather than append to the old one.
    expect(after.hello()?.offset).toBeLessThan(shownUpTo);
    await runInTerminal(after, "cat /root/replica.txt", "read");
    expect(after.text()).toContain("kept-across-replicas");
    after.close();
    // The same containers: nothing was recreated or reaped by the survivor.
    const containersAfter = (await docker.listContainers({ filters: { label: [`circus.scope=${cluster.testId}`] } }))
      .map((container) => container.Id)
      .sort();
    expect(containersAfter).toEqual(containersBefore);
    const run = await player.request("GET", `/api/runs/${runId}`);
    expect(run.json.run.status).toBe("ready");
  });
});

/** The index of the replica HAProxy sent a terminal socket to, from its X-Circus-Replica header (`web<n>`). */
function replicaOf(terminal: TerminalTestClient): Promise<number> {
  return new Promise((resolve, reject) => {
    terminal.socket.once("upgrade", (response) => {
      const match = /^web(\d+)$/.exec(String(response.headers["x-circus-replica"]));
      if (match) resolve(Number(match[1]) - 1);
      else
        reject(new Error(`HAProxy did not say which replica holds the run: ${response.headers["x-circus-replica"]}`));
    });
  });
}
