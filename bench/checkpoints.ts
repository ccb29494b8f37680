// `npm run bench -- --only checkpoints`: what step checkpoints, rewinding and resuming cost. The take is
// timed on the runtime (a one-host environment right after a step wrote a file); rewind and resume are
// timed as a learner sees them, from the click (the POST) until the new terminal shows its prompt, against
// a real server process. Everything carries `circus.bench=<run id>` and is removed at the end.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine, createSandboxRuntime } from "@circus/sandbox";
import { pino } from "pino";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";
import { BENCH_HOST, BENCH_IMAGE, BENCH_LABEL, removeBenchResources } from "./bench-scenario";
import { BenchLearner } from "./circus-learner";
import { startCircusProcess } from "./circus-process";
import { connectCircusTerminal } from "./circus-terminal-probe";

const SCENARIO_ID = "bench-checkpoints";
const FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Bench checkpoints",
    "description: One circus/base host and two steps, for the checkpoint benchmarks.",
    "hosts:",
    `  - name: ${BENCH_HOST}`,
    "    image: circus/base",
    "terminals:",
    `  - { id: shell, title: Shell, host: ${BENCH_HOST} }`,
    "---",
    "Checkpoints.",
  ].join("\n"),
  "01-one.md": ["# One", "", "```bash verify", "true", "```"].join("\n"),
  "02-two.md": ["# Two", "", "```bash setup", "echo two >> /root/setup.log", "```"].join("\n"),
};

const checkpointsBench: BenchModule = { name: "checkpoints", run };
export default checkpointsBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const { log, signal } = context;
  const benchRunId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  await docker.getImage(BENCH_IMAGE).inspect();
  const samples = Math.min(context.samples, 10);
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-checkpoints-"));
  try {
    const take = await timeTakes(benchRunId, samples, signal);
    log(`checkpoint take p50 ${percentile(take, 50).toFixed(0)} ms`);
    const scenariosDir = join(folder, "scenarios");
    await mkdir(join(scenariosDir, SCENARIO_ID), { recursive: true });
    for (const [name, content] of Object.entries(FILES))
      await writeFile(join(scenariosDir, SCENARIO_ID, name), content);
    const { rewind, resume } = await timeRewindAndResume(benchRunId, scenariosDir, samples, signal);
    log(`rewind p50 ${percentile(rewind, 50).toFixed(0)} ms, resume p50 ${percentile(resume, 50).toFixed(0)} ms`);
    return {
      metrics: {
        "checkpoint.take_p50_ms": percentile(take, 50),
        "checkpoint.take_p95_ms": percentile(take, 95),
        "checkpoint.rewind_p50_ms": percentile(rewind, 50),
        "checkpoint.rewind_p95_ms": percentile(rewind, 95),
        "resume.p50_ms": percentile(resume, 50),
        "resume.p95_ms": percentile(resume, 95),
      },
      targets: {
        "checkpoint.take_p50_ms": { max: 1000, rule: "≤ 1000 ms" },
        "checkpoint.rewind_p50_ms": { max: 3000, rule: "≤ 3000 ms" },
        "resume.p50_ms": { max: 3000, rule: "≤ 3000 ms" },
      },
    };
  } finally {
    await removeBenchResources(docker, benchRunId);
    // Children before parents; a second pass takes what a same-second tie left.
    for (let pass = 0; pass < 3; pass += 1) {
      const images = await docker.listImages({ filters: { label: [`${BENCH_LABEL}=${benchRunId}`] } });
      for (const image of images.sort((a, b) => b.Created - a.Created)) {
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    await rm(folder, { recursive: true, force: true });
  }
}

/** `store.take` of a one-host environment after each of `samples` steps wrote a file. */
async function timeTakes(benchRunId: string, samples: number, signal: AbortSignal): Promise<number[]> {
  const logger = pino({ level: "silent" });
  const labels = { [BENCH_LABEL]: benchRunId };
  const runtime = await createSandboxRuntime({ logger, labels });
  const store = runtime.createCheckpointStore({ logger });
  const durations: number[] = [];
  try {
    const environment = await runtime.create({
      hosts: [{ name: BENCH_HOST, image: BENCH_IMAGE }],
      ttlSeconds: 600,
      idleTimeoutSeconds: 600,
    });
    for (let step = 0; step < samples && !signal.aborted; step += 1) {
      await runtime
        .environment(environment.id)
        .commands.run(BENCH_HOST, { script: `seq 1 2000 > /root/step-${step}.txt` });
      const started = performance.now();
      await store.take(environment, { owner: `bench-${benchRunId}`, step, kind: "step" });
      durations.push(performance.now() - started);
    }
    await store.remove(`bench-${benchRunId}`);
    await runtime.destroy(environment.id);
  } finally {
    await runtime.dispose();
  }
  return durations;
}

/** Click to prompt of "Rewind to the start of step 2" and of "Resume" after "Save and leave", on a real server. */
async function timeRewindAndResume(
  benchRunId: string,
  scenariosDir: string,
  samples: number,
  signal: AbortSignal,
): Promise<{ rewind: number[]; resume: number[] }> {
  const circus = await startCircusProcess({ benchRunId, scenariosDir, warmPoolSize: 0, pages: false });
  const rewind: number[] = [];
  const resume: number[] = [];
  try {
    const learner = new BenchLearner(circus.origin);
    await learner.visit();
    const run = await learner.startReadyRun(SCENARIO_ID);
    const path = `/api/runs/${encodeURIComponent(run.id)}`;
    await learner.post(`${path}/steps/0/show`);
    await learner.post(`${path}/steps/0/check`);
    await learner.post(`${path}/next`);
    await learner.post(`${path}/steps/1/show`);
    const toPrompt = async (request: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      await request();
      const terminal = await connectCircusTerminal(
        {
          origin: circus.origin,
          cookieHeader: learner.cookieHeader,
          runId: run.id,
          terminalId: "shell",
          host: BENCH_HOST,
        },
        "checkpoint bench",
      );
      try {
        const at = await terminal.output.until(() => terminal.output.promptShown(), "the prompt", 30_000);
        return at - started;
      } finally {
        await terminal.close();
      }
    };
    for (let index = 0; index < samples && !signal.aborted; index += 1) {
      rewind.push(await toPrompt(() => learner.post(`${path}/rewind`, { step: 1 })));
    }
    for (let index = 0; index < samples && !signal.aborted; index += 1) {
      await learner.post(`${path}/save`);
      resume.push(await toPrompt(() => learner.post(`${path}/resume`)));
    }
    await learner.stopRun(run.id);
  } finally {
    await circus.stop();
  }
  return { rewind, resume };
}
