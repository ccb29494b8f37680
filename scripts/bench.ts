// `npm run bench [-- --only NAME] [--samples N]`: runs the benchmark modules of bench/, prints each
// figure beside its target and writes bench/results/latest.json. Exit code 1 when a module fails.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BenchModule, type BenchTarget, meetsTarget } from "../bench/bench-module";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { repoRoot, runCommand } from "./steps";

// One line per module, by its name; each default-exports a BenchModule of that name.
const modules: Record<string, () => Promise<{ default: BenchModule }>> = {
  sandbox: () => import("../bench/sandbox"),
  workshop: () => import("../bench/workshop"),
  terminal: () => import("../bench/terminal"),
  web: () => import("../bench/web"),
  hardening: () => import("../bench/hardening"),
  "docker-inside": () => import("../bench/docker-inside"),
  recording: () => import("../bench/recording"),
  capacity: () => import("../bench/capacity"),
  commands: () => import("../bench/commands"),
  checkpoints: () => import("../bench/checkpoints"),
  swarm: () => import("../bench/swarm"),
  replicas: () => import("../bench/replicas"),
};

const { values } = parseArgs({
  options: { only: { type: "string" }, samples: { type: "string", default: "15" } },
});
const samples = Number(values.samples);
if (!Number.isInteger(samples) || samples < 1) {
  console.error(`✗ --samples must be a positive whole number, got ${values.samples}`);
  process.exit(1);
}
// Before the setup below (engine, images: ~20 s): a mistyped name fails at once.
if (values.only !== undefined && !Object.hasOwn(modules, values.only)) {
  console.error(`✗ no benchmark module is named ${values.only}; the modules: ${Object.keys(modules).join(", ")}`);
  process.exit(1);
}

// What `npm start` and `npm test` set up first: the engine (installed and started when missing) and the
// sandbox images (cached by content hash), so that a bench on a fresh machine measures, not fails.
for (const [what, script] of [
  ["the Docker engine", "scripts/ensure-engine.ts"],
  ["the sandbox images", "scripts/images.ts"],
] as const) {
  if ((await runCommand("npx", ["tsx", script])) !== 0) {
    console.error(`✗ setting up ${what} failed (${script} printed why); fix that and run the bench again`);
    process.exit(1);
  }
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));

const metrics: Record<string, number> = {};
const targets: Record<string, BenchTarget & { met: boolean }> = {};
let failed = false;
for (const [name, load] of Object.entries(modules)) {
  if (values.only !== undefined && values.only !== name) continue;
  console.error(`» ${name}`);
  try {
    const module = (await load()).default;
    if (module.name !== name) throw new Error(`bench module ${name} is named ${module.name}: list it by its name`);
    const result = await module.run({ signal: controller.signal, samples, log: (line) => console.error(`  ${line}`) });
    Object.assign(metrics, result.metrics);
    for (const [metric, target] of Object.entries(result.targets)) {
      targets[metric] = { ...target, met: meetsTarget(result.metrics[metric] ?? Number.NaN, target) };
    }
  } catch (error) {
    failed = true;
    console.error(`✗ ${name} failed:`, error);
  }
  if (controller.signal.aborted) break;
}

const machine = {
  cpus: cpus().length,
  memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
  node: process.version,
  engine: await engineVersion(),
};
const rows = Object.entries(metrics).map(([name, value]) => {
  const target = targets[name];
  return [
    name,
    String(value),
    target ? `${target.rule} (${target.max ?? `≥ ${target.min}`})` : "",
    target ? (target.met ? "✓" : "✗ MISSED") : "",
  ];
});
const header = ["metric", "value", "target", ""];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
const line = (cells: string[]) =>
  cells
    .map((cell, column) => cell.padEnd(widths[column]!))
    .join("  ")
    .trimEnd();
console.log(`machine: ${machine.cpus} CPUs, ${machine.memory}, Node ${machine.node}, Docker Engine ${machine.engine}`);
console.log(line(header));
for (const row of rows) console.log(line(row));

const resultsDir = join(repoRoot, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, "latest.json");
writeFileSync(file, `${JSON.stringify({ machine, metrics, targets, at: new Date().toISOString() }, null, 2)}\n`);
console.error(`» wrote ${join("bench", "results", "latest.json")}`);
process.exit(failed ? 1 : 0);

async function engineVersion(): Promise<string> {
  try {
    return (await (await connectEngine()).version()).Version;
  } catch (error) {
    return `unavailable (${error instanceof Error ? error.message : String(error)})`;
  }
}
