// The workshop benchmark: the real web server (a child process with a temporary SQLite database and its
// sandboxes scoped to `circus.scope=bench-<run id>`), an instructor's workshop of 50 seats with reserved
// capacity, then 50 learners (Node clients with their own cookies, not browsers) joining within 10 s, each
// until the first prompt byte of its terminal; and how fast a learner's check reaches the dashboard.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";
import { ensureWebBuild } from "./web-build";
import { freePort, removeScope, startWebServer, stopWebServer, waitReady } from "./web-server-process";
import { CookieClient, EventStreamReader, openTerminalUntilPrompt } from "./workshop-client";

const LEARNERS = 50;
const JOIN_WINDOW_MS = 10_000;
const DASHBOARD_SAMPLES = 20;
const SCENARIO_ID = "circus-basics";
const SCENARIOS_DIR = new URL("../scenarios/", import.meta.url).pathname;

const workshopBench: BenchModule = { name: "workshop", run };
export default workshopBench;

interface Learner {
  client: CookieClient;
  participantId: string;
  runId: string;
}

async function run(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const scope = `bench-${runId}`;
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-workshop-"));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const metrics: Record<string, number> = {};
  let server: ChildProcess | undefined;
  let instructor: CookieClient | undefined;
  let workshopId: string | undefined;
  const sockets: { close(): void }[] = [];
  const streams: EventStreamReader[] = [];
  try {
    await ensureBuild(context);
    context.log(`workshop: run ${runId}, server on ${origin}, sandboxes labelled circus.scope=${scope}`);
    const setupToken = randomBytes(32).toString("base64url");
    server = startServer(port, scope, join(folder, "circus.db"), setupToken);
    await waitReady(origin, server, context.signal);

    instructor = new CookieClient(origin);
    await instructor.request("GET", "/api/instructors/setup");
    await instructor.expect(201, "POST", "/api/instructors/sign-up", {
      email: "bench@circus.test",
      displayName: "Bench",
      password: "a bench password that is long",
      setupToken,
    });
    const created = await instructor.expect(201, "POST", "/api/workshops", {
      title: "Benchmark workshop",
      scenarioIds: [SCENARIO_ID],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
      capacity: LEARNERS,
      ttlSeconds: 1800,
      reserveMinutes: 15,
    });
    const reserveStart = performance.now();
    workshopId = created.json.workshop.id as string;
    const code = created.json.workshop.joinCode as string;

    // Reserved capacity: what the instructor sees until all 50 are ready.
    for (let ready = 0; ready < LEARNERS; ) {
      context.signal.throwIfAborted();
      await delay(250);
      ready = (await instructor.expect(200, "GET", `/api/workshops/${workshopId}`)).json.workshop.reserve.ready;
      if (performance.now() - reserveStart > 300_000)
        throw new Error(`only ${ready} of ${LEARNERS} reserved after 5 minutes`);
    }
    metrics["workshop.reserve50_ready_ms"] = round(performance.now() - reserveStart);
    context.log(`workshop: ${LEARNERS} reserved environments ready after ${metrics["workshop.reserve50_ready_ms"]} ms`);

    const outcomes = await Promise.all(
      Array.from({ length: LEARNERS }, async (_, index) => {
        await delay((index * JOIN_WINDOW_MS) / LEARNERS);
        return joinUntilPrompt(origin, code, `Learner ${index + 1}`, sockets);
      }),
    );
    const joined = outcomes.flatMap((outcome) => ("learner" in outcome ? [outcome] : []));
    const failures = outcomes.flatMap((outcome) => ("error" in outcome ? [outcome.error] : []));
    for (const failure of new Set(failures)) context.log(`workshop: join failure: ${failure}`);
    metrics["workshop.join50_ready_p50_ms"] = round(
      percentile(
        joined.map((outcome) => outcome.ms),
        50,
      ),
    );
    metrics["workshop.join50_ready_p95_ms"] = round(
      percentile(
        joined.map((outcome) => outcome.ms),
        95,
      ),
    );
    metrics["workshop.join50_failures"] = failures.length;
    context.log(`workshop: ${joined.length} learners at a prompt, ${failures.length} failures`);

    const dashboard = await EventStreamReader.open(instructor, `/api/workshops/${workshopId}/events`);
    streams.push(dashboard);
    await dashboard.waitFor((event) => event.event === "snapshot");
    const updates: number[] = [];
    for (let sample = 0; sample < DASHBOARD_SAMPLES && joined.length > 0; sample += 1) {
      context.signal.throwIfAborted();
      const { learner } = joined[sample % joined.length]!;
      const failedBefore =
        dashboard.events.filter((e) => e.event === "row" && e.data.participantId === learner.participantId).at(-1)?.data
          .checks.failed ?? 0;
      const start = performance.now();
      const seen = dashboard.waitFor(
        (event) =>
          event.event === "row" &&
          event.data.participantId === learner.participantId &&
          event.data.checks.failed > failedBefore,
      );
      await learner.client.expect(200, "POST", `/api/runs/${learner.runId}/steps/0/check`, {});
      updates.push((await seen).at - start);
      await delay(150);
    }
    metrics["workshop.dashboard_update_p50_ms"] = round(percentile(updates, 50));
    metrics["workshop.dashboard_update_p95_ms"] = round(percentile(updates, 95));
    context.log(`workshop: ${updates.length} dashboard updates measured`);
  } finally {
    for (const stream of streams) stream.close();
    for (const socket of sockets) socket.close();
    if (instructor && workshopId) {
      await instructor.request("POST", `/api/workshops/${workshopId}/end`).catch(() => undefined);
    }
    await stopWebServer(server);
    const removed = await removeScope(scope);
    await rm(folder, { recursive: true, force: true });
    context.log(`workshop: cleaned up (${removed} leftover containers removed)`);
  }
  return {
    metrics,
    targets: {
      "workshop.join50_ready_p95_ms": { max: 1000, rule: "≤ 1 s" },
      "workshop.join50_failures": { max: 0, rule: "zero" },
      "workshop.dashboard_update_p95_ms": { max: 500, rule: "≤ 500 ms" },
    },
  };
}

type JoinOutcome = { learner: Learner; ms: number } | { error: string };

/** One learner: join with the code, start the run, open the terminal until its first byte. */
async function joinUntilPrompt(
  origin: string,
  code: string,
  displayName: string,
  sockets: { close(): void }[],
): Promise<JoinOutcome> {
  const client = new CookieClient(origin);
  try {
    await client.request("GET", "/api/instructors/setup"); // the learner and CSRF cookies, as a page visit gives
    const start = performance.now();
    const joined = await client.expect(200, "POST", "/api/join", { code, displayName });
    let run = (await client.expect(202, "POST", "/api/runs", { scenarioId: SCENARIO_ID })).json.run;
    while (run.status === "starting") {
      await delay(100);
      run = (await client.expect(200, "GET", `/api/runs/${run.id}`)).json.run;
    }
    if (run.status !== "ready") throw new Error(`the run is ${run.status}: ${run.error ?? ""}`);
    sockets.push(await openTerminalUntilPrompt(client, run.id, run.terminals[0]?.id ?? "1"));
    const ms = performance.now() - start;
    return { learner: { client, participantId: joined.json.workshop.participant.id, runId: run.id }, ms };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The web app's production build (Next's and the player's entry); the e2e tests and `npm start` make the same one. */
async function ensureBuild(context: BenchContext): Promise<void> {
  await ensureWebBuild((line) => context.log(line));
}

function startServer(port: number, scope: string, databaseFile: string, setupToken: string): ChildProcess {
  return startWebServer({
    port,
    env: {
      CIRCUS_SCENARIOS_DIR: SCENARIOS_DIR,
      DATABASE_URL: `file:${databaseFile}`,
      CIRCUS_SECRET: randomBytes(32).toString("base64url"),
      CIRCUS_SANDBOX_SCOPE: scope,
      CIRCUS_SETUP_TOKEN: setupToken,
      CIRCUS_WARM_POOL_SIZE: "0",
      CIRCUS_MAX_ENVIRONMENTS: String(LEARNERS + 20),
      CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "100",
      CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000",
      LOG_LEVEL: "warn",
    },
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
