// Runs the real `circus loadtest` against a real web server (a child process, no Next pages) over the real
// engine: 3 learners for 40 s with the server's default caps, learners counted per address through
// CIRCUS_TRUSTED_PROXIES. Checks the figures are measured (echoes, Checks, starts, CPU) and every run is gone.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../../../web/src/server/test/server-process";
import { LearnerHttp } from "../loadtest/learner-http";
import { LearnerTerminal } from "../loadtest/learner-terminal";
import { CIRCUS_BIN, REPO_ROOT, runCircus } from "../test/run-circus";

const testId = randomBytes(6).toString("hex");
const scope = `loadtest-${testId}`;
const docker = await connectEngine();
let temp = "";
let server: ServerProcess | undefined;

const stepSchema = z.object({
  learners: z.number(),
  starts: z.number(),
  startToPromptP50Ms: z.number().nullable(),
  keystrokes: z.number(),
  echoP50Ms: z.number().nullable(),
  echoP99Ms: z.number().nullable(),
  checks: z.number(),
  checkP95Ms: z.number().nullable(),
  errorCount: z.number(),
  errors: z.record(z.string(), z.number()),
  serverCpuCores: z.number().nullable(),
  serverMemoryMiB: z.number().nullable(),
  engineMemoryMiB: z.number().nullable(),
  engineCpuCores: z.number().nullable(),
  generatorCpuCores: z.number().nullable(),
  generatorLagP99Ms: z.number().nullable(),
  loadAverage: z.number().nullable(),
  seconds: z.number(),
  serverLagP99Ms: z.number().nullable(),
  steady: z
    .object({
      seconds: z.number(),
      keystrokes: z.number(),
      echoP50Ms: z.number().nullable(),
      echoP99Ms: z.number().nullable(),
      serverCpuCores: z.number().nullable(),
      serverLagP99Ms: z.number().nullable(),
      generatorLagP99Ms: z.number().nullable(),
    })
    .nullable(),
  held: z.boolean(),
});
const reportSchema = z.object({
  steps: z.array(stepSchema),
  learnersHeld: z.number(),
  runsLeft: z.number(),
  stopErrors: z.object({ count: z.number(), byKind: z.record(z.string(), z.number()), first: z.string().optional() }),
  threads: z.number(),
  interrupted: z.boolean(),
});

async function sandboxes(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`circus.scope=${scope}`] } })).length;
}

/** Polls the deployment's sandboxes until `done` holds for their count or `ms` pass; returns the last count. */
async function waitForSandboxes(done: (count: number) => boolean, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let count = await sandboxes();
  while (!done(count) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    count = await sandboxes();
  }
  return count;
}

/** `circus loadtest --json` as a child process with a long step, to be interrupted by the test. */
function startLongLoadTest(learners: number): {
  exited: Promise<number | null>;
  stdout: () => string;
  interrupt: () => void;
} {
  const child = spawn(
    process.execPath,
    [
      CIRCUS_BIN,
      "loadtest",
      server!.origin,
      "--learners",
      String(learners),
      "--duration",
      "5m",
      "--sandbox-scope",
      scope,
      "--json",
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { exited, stdout: () => stdout, interrupt: () => child.kill("SIGINT") };
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-loadtest-"));
  await cp(join(REPO_ROOT, "scenarios", "circus-basics"), join(temp, "scenarios", "circus-basics"), {
    recursive: true,
  });
  server = await startServerProcess({
    testId,
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      CIRCUS_SCENARIOS_DIR: join(temp, "scenarios"),
      DATABASE_URL: `file:${join(temp, "circus.db")}`,
      CIRCUS_SECRET: randomBytes(32).toString("base64url"),
      CIRCUS_SANDBOX_SCOPE: scope,
      CIRCUS_WARM_POOL_SIZE: "0",
      // The documented way to load-test from the server's machine: trust it as a proxy, so each
      // simulated learner's X-Forwarded-For address counts on its own under the default per-address caps.
      CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32",
    },
  });
});

afterAll(async () => {
  if (server) await stopServerProcess(server);
  for (const info of await docker.listContainers({ all: true, filters: { label: [`circus.scope=${scope}`] } })) {
    await docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await rm(temp, { recursive: true, force: true });
});

describe("circus loadtest", () => {
  it("measures 3 learners spread over 2 worker threads and stops every run it started", {
    timeout: 120_000,
  }, async () => {
    const origin = server!.origin;
    const run = await runCircus([
      "loadtest",
      origin,
      "--learners",
      "3",
      "--duration",
      "40s",
      "--threads",
      "2",
      "--sandbox-scope",
      scope,
      "--json",
    ]);
    expect(run.stderr).not.toContain("internal error");
    const report = reportSchema.parse(JSON.parse(run.stdout));
    // The learners ran in two worker threads; what they measured is merged into one report.
    expect(report.threads).toBe(2);
    const [step] = report.steps;
    expect(step).toBeDefined();
    expect(step!.errors).toEqual({});
    expect(step!.learners).toBe(3);
    expect(step!.starts).toBe(3);
    expect(step!.startToPromptP50Ms).toBeGreaterThan(0);
    // Typing at ~4 characters a second for most of 40 s: dozens of echoes each, each a real round trip.
    expect(step!.keystrokes).toBeGreaterThan(30);
    expect(step!.echoP50Ms).toBeGreaterThan(0);
    expect(step!.echoP99Ms).toBeGreaterThanOrEqual(step!.echoP50Ms!);
    expect(step!.checks).toBeGreaterThanOrEqual(1);
    expect(step!.checkP95Ms).toBeGreaterThan(0);
    expect(step!.serverCpuCores).toBeGreaterThan(0);
    expect(step!.serverMemoryMiB).toBeGreaterThan(0);
    expect(step!.engineMemoryMiB).toBeGreaterThan(0);
    expect(step!.engineCpuCores).toBeGreaterThanOrEqual(0);
    // What the load generator itself took, so a reader can tell whether it distorted the timings.
    expect(step!.generatorCpuCores).toBeGreaterThan(0);
    expect(step!.generatorLagP99Ms).toBeGreaterThan(0);
    expect(step!.loadAverage).toBeGreaterThan(0);
    expect(step!.serverLagP99Ms).toBeGreaterThan(0);
    // The 3 learners arrive over the first third and start in a few seconds: the rest of the step is steady.
    const steady = step!.steady;
    expect(steady).not.toBeNull();
    expect(steady!.seconds).toBeGreaterThan(0);
    expect(steady!.seconds).toBeLessThan(step!.seconds);
    expect(steady!.keystrokes).toBeGreaterThan(0);
    expect(steady!.keystrokes).toBeLessThan(step!.keystrokes);
    expect(steady!.echoP99Ms).toBeGreaterThanOrEqual(steady!.echoP50Ms!);
    expect(steady!.serverCpuCores).toBeGreaterThan(0);
    expect(steady!.serverLagP99Ms).toBeGreaterThan(0);
    expect(steady!.generatorLagP99Ms).toBeGreaterThan(0);
    expect(report.runsLeft).toBe(0);
    expect(report.stopErrors).toEqual({ count: 0, byKind: {} });
    expect(run.code).toBe(step!.held ? 0 : 1);
    // Stopped runs release their environments: nothing of the deployment's scope is left.
    expect(await waitForSandboxes((count) => count === 0, 15_000)).toBe(0);
  });

  it("stops on Ctrl-C: reports what it measured and stops every run it started", { timeout: 90_000 }, async () => {
    const loadTest = startLongLoadTest(2);
    // Both learners have their sandboxes (the second arrives ~50 s into a 5 min step's first third: wait for 1).
    expect(await waitForSandboxes((count) => count >= 1, 45_000)).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    loadTest.interrupt();
    expect(await loadTest.exited).toBe(1);
    const report = reportSchema.parse(JSON.parse(loadTest.stdout()));
    expect(report.interrupted).toBe(true);
    expect(report.threads).toBe(0);
    expect(report.runsLeft).toBe(0);
    expect(await waitForSandboxes((count) => count === 0, 15_000)).toBe(0);
  });

  it("reopens a terminal after a reload at the server's hello, with nothing new to replay", {
    timeout: 90_000,
  }, async () => {
    const http = new LearnerHttp(server!.origin, "198.18.9.1");
    await http.visit("/");
    const runView = z.object({
      run: z.object({
        id: z.string(),
        status: z.string(),
        terminals: z.array(z.object({ id: z.string(), host: z.string() })),
      }),
    });
    let { run } = runView.parse(await http.json("POST", "/api/runs", { scenarioId: "circus-basics" }));
    const deadline = Date.now() + 60_000;
    while (run.status === "starting" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ({ run } = runView.parse(await http.json("GET", `/api/runs/${run.id}`)));
    }
    expect(run.status).toBe("ready");
    const address = {
      origin: server!.origin,
      cookieHeader: http.cookieHeader,
      forwardedFor: "198.18.9.1",
      runId: run.id,
      terminalId: run.terminals[0]!.id,
      host: run.terminals[0]!.host,
    };
    try {
      const first = await LearnerTerminal.open(address, { timeoutMs: 30_000 });
      await first.terminal.settle(500, 5_000, new AbortController().signal);
      const since = first.terminal.offset;
      first.terminal.close();
      // The shell printed nothing since: the reload must not wait for output (it used to, 120 s, as an echo_timeout).
      const opened = performance.now();
      const again = await LearnerTerminal.open(address, { since, timeoutMs: 10_000 });
      expect(again.firstOutputAt - opened).toBeLessThan(10_000);
      expect(again.terminal.offset).toBe(since);
      again.terminal.close();
    } finally {
      await http.json("POST", `/api/runs/${run.id}/stop`, {});
    }
  });

  // Last: it stops the server the other tests share.
  it("reports the final stops that failed (the server went away) and exits nonzero", { timeout: 90_000 }, async () => {
    const loadTest = startLongLoadTest(1);
    expect(await waitForSandboxes((count) => count >= 1, 45_000)).toBeGreaterThanOrEqual(1);
    // The learner's run exists; the server goes away before the load test's clean-up can stop it.
    await stopServerProcess(server!, "SIGKILL");
    loadTest.interrupt();
    expect(await loadTest.exited).toBe(1);
    const report = reportSchema.parse(JSON.parse(loadTest.stdout()));
    expect(report.runsLeft).toBe(1);
    expect(report.stopErrors).toMatchObject({ count: 1, byKind: { connection_failed: 1 } });
    expect(report.stopErrors.first).toMatch(/ECONNREFUSED/);
  });

  it("refuses a target that is not on this machine without --allow-remote", async () => {
    const run = await runCircus(["loadtest", "http://192.0.2.10:3000", "--learners", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is not a loopback address");
    expect(run.stderr).toContain("--allow-remote");
  });
});
