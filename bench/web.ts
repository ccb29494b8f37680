// Web benchmark: the production web app (its Next.js build, served by the real server as a child process):
// the catalog's time to first byte, the JavaScript the player page loads, and, in Chromium, the time from
// clicking Start (warm pool ready) to a prompt on screen.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectEngine } from "@circus/sandbox";
import type { Browser } from "playwright-core";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";
import { BENCH_IMAGE, BENCH_LABEL, BENCH_SCENARIO_ID, removeBenchResources, writeBenchCatalog } from "./bench-scenario";
import { BenchLearner } from "./circus-learner";
import { type CircusProcess, startCircusProcess } from "./circus-process";
import {
  type ClickSample,
  clickToPrompt,
  launchBrowser,
  type PlayerScript,
  playerScripts,
  stopRunFromBrowser,
} from "./player-browser";
import { ensureWebBuild } from "./web-build";

const REPO_SCENARIOS = fileURLToPath(new URL("../scenarios", import.meta.url));
const TTFB_SAMPLES = 50;
const TTFB_WARMUP = 5;
const CLICK_SAMPLES = 10;

const webBench: BenchModule = { name: "web", run };
export default webBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const { log, signal } = context;
  const runId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  await docker.getImage(BENCH_IMAGE).inspect();
  const build = await ensureWebBuild(log);
  log(`web: run ${runId} (${BENCH_LABEL}=${runId}), production build ${build}`);
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-web-"));
  const metrics: Record<string, number> = {};
  let browser: Browser | undefined;
  try {
    // The repository's own catalog, without warm pools (they would start every scenario's hosts).
    metrics["web.catalog_ttfb_p50_ms"] = await withServer(
      { benchRunId: runId, scenariosDir: REPO_SCENARIOS, warmPoolSize: 0, pages: true },
      (circus) => catalogTtfb(circus, log),
    );
    signal.throwIfAborted();

    const scenariosDir = await writeBenchCatalog(folder);
    browser = await launchBrowser();
    const launched = browser;
    Object.assign(
      metrics,
      await withServer({ benchRunId: runId, scenariosDir, warmPoolSize: 1, pages: true }, (circus) =>
        playerFigures(circus, launched, context),
      ),
    );
  } finally {
    await browser?.close();
    await removeBenchResources(docker, runId);
    await rm(folder, { recursive: true, force: true });
  }
  return {
    metrics,
    targets: {
      "web.click_to_prompt_p50_ms": { max: 300, rule: "≤ 300 ms with a warm pool" },
      "web.click_to_prompt_p95_ms": { max: 500, rule: "≤ 500 ms with a warm pool" },
      "web.player_js_kb_gzip": { max: 200, rule: "≤ 200 KiB gzip before the first prompt" },
    },
  };
}

async function withServer<T>(
  options: Parameters<typeof startCircusProcess>[0],
  use: (circus: CircusProcess) => Promise<T>,
): Promise<T> {
  const circus = await startCircusProcess(options);
  try {
    return await use(circus);
  } finally {
    await circus.stop();
  }
}

/** GET / of a returning learner over one keep-alive connection: request sent to response headers. */
async function catalogTtfb(circus: CircusProcess, log: (line: string) => void): Promise<number> {
  const learner = new BenchLearner(circus.origin);
  await learner.visit();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const durations: number[] = [];
  try {
    for (let index = -TTFB_WARMUP; index < TTFB_SAMPLES; index += 1) {
      const ms = await timeToFirstByte(agent, `${circus.origin}/`, learner.cookieHeader);
      if (index >= 0) durations.push(ms);
    }
  } finally {
    agent.destroy();
  }
  log(
    `web: catalog GET / ×${TTFB_SAMPLES}: p50 ${percentile(durations, 50).toFixed(1)} ms, p95 ${percentile(durations, 95).toFixed(1)} ms`,
  );
  return round(percentile(durations, 50));
}

function timeToFirstByte(agent: Agent, url: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, headers: { cookie, "accept-encoding": "gzip" } }, (res) => {
      const ms = performance.now() - started;
      if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${res.statusCode}`));
      res.resume();
      res.on("end", () => resolve(ms));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Click-to-prompt samples in Chromium, each from a full warm pool, then the player page's scripts. */
async function playerFigures(circus: CircusProcess, browser: Browser, context: BenchContext) {
  const { log, signal } = context;
  const page = await (await browser.newContext()).newPage();
  const browserContext = page.context();
  const durations: number[] = [];
  const samples: ClickSample[] = [];
  let lastRunId: string | undefined;
  try {
    // One unmeasured round warms the server's page compilation caches and the browser's.
    for (let index = -1; index < CLICK_SAMPLES; index += 1) {
      signal.throwIfAborted();
      await circus.whenPoolFull(BENCH_SCENARIO_ID, signal);
      const sample = await clickToPrompt(page, circus.origin, BENCH_SCENARIO_ID);
      const { ms, runId } = sample;
      if (index >= 0) {
        durations.push(ms);
        samples.push(sample);
      }
      lastRunId = runId;
      if (index < CLICK_SAMPLES - 1) await stopRunFromBrowser(browserContext, circus.origin, runId);
    }
    log(`web: click to prompt ×${CLICK_SAMPLES}: ${durations.map((ms) => Math.round(ms)).join(", ")} ms`);
    const phase = (pick: (sample: ClickSample) => number) => percentile(samples.map(pick), 50);
    log(
      `web: click → p50 of: POST /api/runs answered ${phase((s) => s.phases.startAnswered)} ms, URL /runs/<id> ` +
        `${phase((s) => s.phases.navigated)} ms, terminal socket created ` +
        `${phase((s) => s.phases.socket)} ms, data-status=connected ${phase((s) => s.phases.connected)} ms, prompt on ` +
        `screen ${Math.round(phase((s) => s.ms))} ms, in the accessibility tree ${phase((s) => s.phases.screenReader)} ms; run polls per start: ${samples.map((s) => s.phases.runPolls).join(",")}`,
    );
    if (!lastRunId) throw new Error("no run to load the player page of");
    const scripts = await playerScripts(browser, browserContext, circus.origin, lastRunId);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const total = (list: PlayerScript[]) => list.reduce((sum, script) => sum + script.gzipBytes, 0);
    const listed = (list: PlayerScript[]) =>
      list.map((script) => `${script.path.split("/").pop()} ${kib(script.gzipBytes)}`).join(", ") || "none";
    log(
      `web: the player page loaded ${scripts.beforePrompt.length} scripts before its prompt, ` +
        `${kib(total(scripts.beforePrompt))} gzip: ${listed(scripts.beforePrompt)}`,
    );
    log(
      `web: and ${scripts.afterPrompt.length} after it, ${kib(total(scripts.afterPrompt))} gzip: ${listed(scripts.afterPrompt)}`,
    );
    await stopRunFromBrowser(browserContext, circus.origin, lastRunId);
    return {
      "web.click_to_prompt_p50_ms": round(percentile(durations, 50)),
      "web.click_to_prompt_p95_ms": round(percentile(durations, 95)),
      "web.click_to_prompt_screen_reader_p50_ms": phase((s) => s.phases.screenReader),
      "web.player_js_kb_gzip": round(total(scripts.beforePrompt) / 1024),
      "web.player_js_after_prompt_kb_gzip": round(total(scripts.afterPrompt) / 1024),
    };
  } finally {
    await browserContext.close();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
