// The capacity benchmark: `circus loadtest` itself (apps/cli), ramping 25, 50, 100 and 200 simulated
// learners on circus-basics against the real web server as `npm start` runs it (server.ts, production
// build, default settings) on loopback, with a temporary SQLite database and its own sandbox scope.
// The one setting added is CIRCUS_TRUSTED_PROXIES=127.0.0.1/32, so each learner's address counts alone.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { BenchContext, BenchModule, BenchResult } from "./bench-module";
import { benchPort, capacityRamp, inheritedEnvironment } from "./config";
import { type EngineEchoResult, probeEngineEcho } from "./engine-echo-probe";
import { ensureWebBuild } from "./web-build";
import { freePort, removeScope, startWebServer, stopWebServer, waitReady } from "./web-server-process";

const RAMP = [25, 50, 100, 200];
const STEP_DURATION = "150s";
const SCENARIO_ID = "circus-basics";
/** Shells the engine-path probe types into during the last step's steady part, and for how long at most. */
const PROBE_TERMINALS = 4;
const PROBE_MAX_MS = 60_000;
/** A progress line of the load test: `step 2/2 · 200 learners: 0 starting, … · 45/120 s`. */
const PROGRESS_LINE = /step (\d+)\/(\d+) · (\d+) learners: (\d+) starting.* · (\d+)\/(\d+) s$/;
const CIRCUS_BIN = new URL("../apps/cli/bin/circus.mjs", import.meta.url).pathname;
const SCENARIOS_DIR = new URL("../scenarios/", import.meta.url).pathname;

const stepSchema = z.object({
  learners: z.number(),
  echoP99Ms: z.number().nullable(),
  checkP95Ms: z.number().nullable(),
  startToPromptP95Ms: z.number().nullable(),
  errorCount: z.number(),
  errors: z.record(z.string(), z.number()),
  startToPromptP50Ms: z.number().nullable(),
  echoP50Ms: z.number().nullable(),
  serverCpuCores: z.number().nullable(),
  engineCpuCores: z.number().nullable(),
  serverCpuMsPerLearnerSecond: z.number().nullable(),
  memoryMiBPerLearner: z.number().nullable(),
  generatorCpuCores: z.number().nullable(),
  generatorLagP99Ms: z.number().nullable(),
  loadAverage: z.number().nullable(),
  serverLagP99Ms: z.number().nullable(),
  steady: z
    .object({
      seconds: z.number(),
      echoP50Ms: z.number().nullable(),
      echoP99Ms: z.number().nullable(),
      serverCpuCores: z.number().nullable(),
      engineCpuCores: z.number().nullable(),
      serverLagP99Ms: z.number().nullable(),
      generatorLagP99Ms: z.number().nullable(),
    })
    .nullable(),
});
const reportSchema = z.object({ steps: z.array(stepSchema), learnersHeld: z.number(), runsLeft: z.number() });

const capacityBench: BenchModule = { name: "capacity", run };
export default capacityBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const scope = `bench-${runId}`;
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-capacity-"));
  const port = benchPort() || (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  const metrics: Record<string, number> = {};
  try {
    await ensureWebBuild(context.log);
    context.log(`capacity: server on ${origin}, sandboxes labelled circus.scope=${scope}`);
    server = startWebServer({
      port,
      env: {
        CIRCUS_SCENARIOS_DIR: SCENARIOS_DIR,
        DATABASE_URL: `file:${join(folder, "circus.db")}`,
        CIRCUS_SECRET: randomBytes(32).toString("base64url"),
        CIRCUS_SANDBOX_SCOPE: scope,
        CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32",
      },
    });
    await waitReady(origin, server, context.signal);
    const { report, engineEcho } = await loadtest(origin, scope, context);
    for (const step of report.steps) {
      const errors = Object.entries(step.errors).map(([kind, count]) => `${kind}×${count}`);
      context.log(
        `capacity: ${step.learners} learners: start p50/p95 ${step.startToPromptP50Ms}/${step.startToPromptP95Ms} ms, ` +
          `echo p50/p99 ${step.echoP50Ms}/${step.echoP99Ms} ms, Check p95 ${step.checkP95Ms} ms, ` +
          `server ${step.serverCpuCores} cores, engine ${step.engineCpuCores} cores, ` +
          `load generator ${step.generatorCpuCores} cores (event-loop delay p99 ${step.generatorLagP99Ms} ms), ` +
          `server event-loop delay p99 ${step.serverLagP99Ms} ms, ` +
          `load average ${step.loadAverage}, errors: ${errors.join(", ") || "none"}`,
      );
      const steady = step.steady;
      if (steady)
        context.log(
          `capacity: ${step.learners} learners, steady part (${steady.seconds} s, everyone started): ` +
            `echo p50/p99 ${steady.echoP50Ms}/${steady.echoP99Ms} ms, server ${steady.serverCpuCores} cores ` +
            `(event-loop delay p99 ${steady.serverLagP99Ms} ms), engine ${steady.engineCpuCores} cores, ` +
            `load generator event-loop delay p99 ${steady.generatorLagP99Ms} ms`,
        );
    }
    const at200 = report.steps.find((step) => step.learners === 200);
    const last = report.steps.at(-1);
    metrics["capacity.learners_held"] = report.learnersHeld;
    metrics["capacity.echo_p99_ms_at_200"] = at200?.echoP99Ms ?? Number.NaN;
    metrics["capacity.check_p95_ms_at_200"] = at200?.checkP95Ms ?? Number.NaN;
    metrics["capacity.start_to_prompt_p95_ms_at_200"] = at200?.startToPromptP95Ms ?? Number.NaN;
    metrics["capacity.errors_at_200"] = at200?.errorCount ?? Number.NaN;
    metrics["capacity.steady_echo_p99_ms_at_200"] = at200?.steady?.echoP99Ms ?? Number.NaN;
    metrics["capacity.server_lag_p99_ms_at_200"] = at200?.serverLagP99Ms ?? Number.NaN;
    if (engineEcho) {
      context.log(
        `capacity: engine path alone (docker exec attach, ${engineEcho.keystrokes} keystrokes into ${PROBE_TERMINALS} ` +
          `shells during the last step's steady part): echo p50/p99 ${engineEcho.p50Ms.toFixed(1)}/${engineEcho.p99Ms.toFixed(1)} ms`,
      );
      metrics[`capacity.engine_echo_p99_ms_at_${last?.learners}`] = Math.round(engineEcho.p99Ms * 10) / 10;
    }
    metrics["capacity.server_cpu_ms_per_learner_s"] = last?.serverCpuMsPerLearnerSecond ?? Number.NaN;
    metrics["capacity.memory_mib_per_learner"] = last?.memoryMiBPerLearner ?? Number.NaN;
    metrics["capacity.runs_left"] = report.runsLeft;
  } finally {
    await stopWebServer(server);
    const removed = await removeScope(scope);
    await rm(folder, { recursive: true, force: true });
    context.log(`capacity: cleaned up (${removed} leftover containers removed)`);
  }
  return {
    metrics,
    targets: {
      "capacity.learners_held": { min: 200, rule: "≥ 200" },
      "capacity.echo_p99_ms_at_200": { max: 50, rule: "≤ 50 ms" },
      "capacity.check_p95_ms_at_200": { max: 2000, rule: "≤ 2 s" },
      "capacity.errors_at_200": { max: 0, rule: "zero" },
      "capacity.runs_left": { max: 0, rule: "zero" },
    },
  };
}

/**
 * Runs `circus loadtest --json` as a child process; its progress lines go to the bench's log. Once the last
 * step's learners have all arrived and started, the engine path's own echo is probed beside them.
 */
async function loadtest(
  origin: string,
  scope: string,
  context: BenchContext,
): Promise<{ report: z.infer<typeof reportSchema>; engineEcho: EngineEchoResult | undefined }> {
  let probe: Promise<EngineEchoResult | undefined> | undefined;
  const startProbe = (line: string) => {
    const match = PROGRESS_LINE.exec(line.trim());
    if (probe || !match) return;
    const [step, steps, , starting, elapsed, total] = match.slice(1).map(Number) as number[];
    const remainingMs = ((total as number) - (elapsed as number) - 10) * 1000;
    if (step !== steps || starting !== 0 || (elapsed as number) < (total as number) / 3 + 5 || remainingMs < 15_000)
      return;
    probe = probeEngineEcho({
      scope,
      terminals: PROBE_TERMINALS,
      durationMs: Math.min(PROBE_MAX_MS, remainingMs),
      signal: context.signal,
    }).catch((error: unknown) => {
      context.log(`capacity: the engine-path probe failed: ${error instanceof Error ? error.message : error}`);
      return undefined;
    });
  };
  const { ramp, step } = capacityRamp({ ramp: RAMP, step: STEP_DURATION });
  const args = ["loadtest", origin, "--ramp", ramp.join(","), "--duration", step];
  const child = spawn(
    process.execPath,
    [CIRCUS_BIN, ...args, "--scenario", SCENARIO_ID, "--sandbox-scope", scope, "--json"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...inheritedEnvironment(), NO_COLOR: "1" } },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      context.log(line);
      startProbe(line);
    }
  });
  // Ctrl-C reaches the load test as SIGINT: it stops its learners and their runs, then reports.
  const onAbort = () => child.kill("SIGINT");
  context.signal.addEventListener("abort", onAbort, { once: true });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  context.signal.removeEventListener("abort", onAbort);
  if (stdout.trim() === "") throw new Error(`circus loadtest exited with ${code} and no report`);
  return { report: reportSchema.parse(JSON.parse(stdout)), engineEcho: await probe };
}
