// Hardening benchmark: what one visitor can make the server hold. The real web server runs as a child
// process (its RSS is its own); clients flood terminals whose shells do not read their input.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import WebSocket from "ws";
import type { BenchContext, BenchModule, BenchResult } from "./bench-module";
import { rssBytes } from "./bench-processes";
import { BENCH_SCENARIO_ID, removeBenchResources, writeBenchCatalog } from "./bench-scenario";
import { BenchLearner } from "./circus-learner";
import { startCircusProcess } from "./circus-process";
import { measureDiskFill } from "./hardening-disk";

/** Sockets flooding at once, each into its own raw-mode shell of the same run. */
const FLOOD_SOCKETS = 4;
const FLOOD_BYTES_PER_SOCKET = 64 * 1024 * 1024;
const FRAME_BYTES = 64 * 1024;
/** The flood has settled when no client's send buffer moved for this long. */
const SETTLED_MS = 2_000;
const FLOOD_TIMEOUT_MS = 60_000;
const RSS_TARGET_MIB = 16;

const hardeningBench: BenchModule = { name: "hardening", run };
export default hardeningBench;

async function run(context: BenchContext): Promise<BenchResult> {
  const runId = randomBytes(6).toString("hex");
  const docker = await connectEngine();
  const folder = await mkdtemp(join(tmpdir(), "circus-bench-hardening-"));
  try {
    const scenariosDir = await writeBenchCatalog(folder);
    const growthMiB = await measureInputFlood(scenariosDir, runId, context);
    const diskFill = await measureDiskFill(context);
    return {
      metrics: { "hardening.input_flood_rss_growth_mib": growthMiB, ...diskFill.metrics },
      targets: {
        "hardening.input_flood_rss_growth_mib": { max: RSS_TARGET_MIB, rule: `≤ ${RSS_TARGET_MIB} MiB` },
        ...diskFill.targets,
      },
    };
  } finally {
    await removeBenchResources(docker, runId);
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Server RSS growth (MiB, peak less the figure before) while FLOOD_SOCKETS clients each send
 * FLOOD_BYTES_PER_SOCKET of keystrokes as fast as `ws` takes them into `stty raw -echo; sleep 999`.
 */
async function measureInputFlood(scenariosDir: string, runId: string, context: BenchContext): Promise<number> {
  const circus = await startCircusProcess({ benchRunId: runId, scenariosDir, warmPoolSize: 0, pages: false });
  const sockets: WebSocket[] = [];
  try {
    const learner = new BenchLearner(circus.origin);
    await learner.visit();
    const run = await learner.startReadyRun(BENCH_SCENARIO_ID);
    for (let index = 1; index <= FLOOD_SOCKETS; index += 1) {
      sockets.push(await openRawShell(circus.origin, learner.cookieHeader, run.id, String(index)));
    }
    context.signal.throwIfAborted();
    const before = rssBytes(circus.pid);
    let peak = before;
    const frame = Buffer.alloc(FRAME_BYTES, 0x61);
    for (const socket of sockets) {
      for (let sent = 0; sent < FLOOD_BYTES_PER_SOCKET; sent += FRAME_BYTES) socket.send(frame, { binary: true });
    }
    const started = Date.now();
    let lastMove = Date.now();
    let last = -1;
    while (Date.now() - lastMove < SETTLED_MS && Date.now() - started < FLOOD_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      peak = Math.max(peak, rssBytes(circus.pid));
      const unsent = sockets.reduce((sum, socket) => sum + socket.bufferedAmount, 0);
      if (unsent !== last) lastMove = Date.now();
      last = unsent;
      if (unsent === 0) break;
    }
    const sentMiB = (FLOOD_SOCKETS * FLOOD_BYTES_PER_SOCKET - last) / 1024 ** 2;
    context.log(
      `input flood: ${FLOOD_SOCKETS} sockets × ${FLOOD_BYTES_PER_SOCKET / 1024 ** 2} MiB; the server read ` +
        `${sentMiB.toFixed(1)} MiB (the rest stayed with the clients); RSS ${toMiB(before)} → peak ${toMiB(peak)} MiB`,
    );
    return Math.round(((peak - before) / 1024 ** 2) * 100) / 100;
  } finally {
    for (const socket of sockets) socket.terminate();
    await circus.stop();
  }
}

/** Opens terminal `terminalId` of the run and puts its shell in raw mode, not reading its input. */
async function openRawShell(origin: string, cookie: string, runId: string, terminalId: string): Promise<WebSocket> {
  const query = new URLSearchParams({ run: runId, terminal: terminalId });
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/ws/terminal?${query}`, {
    headers: { cookie, origin },
    perMessageDeflate: false,
  });
  socket.on("error", () => undefined);
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal ${terminalId} did not enter raw mode`)), 30_000);
    socket.on("message", (data, isBinary) => {
      if (!isBinary) return;
      output += (data as Buffer).toString("latin1");
      socket.send(JSON.stringify({ type: "ack", bytes: (data as Buffer).length }));
      if (output.includes("raw-mode-42")) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.once("unexpected-response", (_req, res) => reject(new Error(`terminal upgrade refused: ${res.statusCode}`)));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "resize", cols: 80, rows: 24 }));
  socket.send(Buffer.from("stty raw -echo; echo raw-mode-$((6*7)); sleep 999\r"), { binary: true });
  await ready;
  return socket;
}

function toMiB(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}
