// Property test of loadScenario: every fixture scenario, damaged by random mutations, must still load
// to diagnostics (no throw, no hang, no loader crash) that each point at a file, line and column.
// Reproduce a failure with the CIRCUS_FUZZ_SEED its report prints; CIRCUS_FUZZ_RUNS sets the total case count.
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findScenarioFolders } from "./load-scenario";
import { DiagnosticSchema } from "./model";

const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));
const WATCHDOG_MS = 10_000;
const TOTAL_RUNS = Number(process.env.CIRCUS_FUZZ_RUNS ?? 240);
const SEED = Number(process.env.CIRCUS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const fixtures = await findScenarioFolders(FIXTURES).catch(() => [] as string[]);
const RUNS_PER_FIXTURE = Math.max(20, Math.ceil(TOTAL_RUNS / Math.max(1, fixtures.length)));

type LoadResult =
  | { kind: "loaded"; diagnostics: unknown[] }
  | { kind: "threw" | "worker-died"; error: string }
  | { kind: "hung" };

/** Runs loadScenario in a worker thread, so a synchronous hang (say, a backtracking regex) can be stopped. */
class LoaderWorker {
  private worker: Worker | undefined;
  private nextId = 0;

  async load(dir: string): Promise<LoadResult> {
    const worker = this.worker ?? (await this.start());
    const id = this.nextId++;
    return new Promise<LoadResult>((resolve) => {
      const finish = (result: LoadResult) => {
        clearTimeout(watchdog);
        worker.off("message", onMessage).off("error", onDied).off("exit", onDied);
        if (result.kind !== "loaded" && result.kind !== "threw") void this.dispose();
        resolve(result);
      };
      const onMessage = (message: { id: number; diagnostics?: unknown[]; thrown?: string }) => {
        if (message.id !== id) return;
        finish(
          message.thrown
            ? { kind: "threw", error: message.thrown }
            : { kind: "loaded", diagnostics: message.diagnostics ?? [] },
        );
      };
      const onDied = (cause: unknown) => finish({ kind: "worker-died", error: String(cause) });
      const watchdog = setTimeout(() => finish({ kind: "hung" }), WATCHDOG_MS);
      worker.on("message", onMessage).on("error", onDied).on("exit", onDied);
      worker.postMessage({ id, dir });
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private async start(): Promise<Worker> {
    const source = `
      const { parentPort, workerData } = require("node:worker_threads");
      (async () => {
        (await import(workerData.tsxApi)).register();
        const { loadScenario } = await import(workerData.loader);
        parentPort.on("message", async ({ id, dir }) => {
          try {
            parentPort.postMessage({ id, diagnostics: (await loadScenario(dir)).diagnostics });
          } catch (cause) {
            parentPort.postMessage({ id, thrown: String((cause && cause.stack) || cause) });
          }
        });
        parentPort.postMessage({ ready: true });
      })().catch((cause) => parentPort.postMessage({ startFailed: String((cause && cause.stack) || cause) }));`;
    const workerData = {
      tsxApi: import.meta.resolve("tsx/esm/api"),
      loader: new URL("./load-scenario.ts", import.meta.url).href,
    };
    const worker = new Worker(source, { eval: true, workerData });
    const started = await new Promise<{ ready?: true; startFailed?: string }>((resolve, reject) => {
      worker.once("message", resolve).once("error", reject);
    });
    if (!started.ready) {
      await worker.terminate();
      throw new Error(`the loader worker did not start: ${started.startFailed}`);
    }
    this.worker = worker;
    return worker;
  }
}

// ---- mutations -------------------------------------------------------------------------------

// biome-ignore format: a table of fragments, kept dense
const FRAGMENTS = [
  "{{exe", "{{execute", "{{execute T2}}", "{{exec interrupt HOST9}}", "{{EXEC}}", "{{exeute}}", "{{", "}}", "{{}}",
  "{{ .Values.x }}", "{{open}}", "{{execute ctrl-seq}}", ">>Q1:", ">>Q1: what?<<", "<<", "=== ", "=~= (a+)+$", "[*] ",
  "( ) ", "(*) x", "---", "---\n", "\n---\ntitle: [\n---\n", "```", "```quiz\n", "```quiz\nquestion: [\n```\n",
  "```bash verify timeout=0 host=NOPE\n", "```bash exec host=\n", "```bash setup\n```\n", "~~~", "\u0000", "\uFEFF",
  "\r", "\r\n", "\t", "{{TRAFFIC_HOST99_80}}", "{{TRAFFIC_HOST1_99999}}", "{{TRAFFIC_SELECTOR}}",
  "[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]]", "[[HOST0_IP]]", "{{port:node1:0}}", "{{port::}}",
  '<pre class="file" data-filename="" data-target="bogus">', "<details><summary>", "</pre>", "<!--", "title:",
  "title: !!binary x", "&a [*a, *a]", "*undefined_alias", "? [a, b]: c", "%YAML 9.9\n", '"steps": [',
  '{"title": 5, "details": {"steps": "x"}}', "null", "[]", "{", "}", ",", '"\\ud800"', "# ", "[link](",
  "![img](../../../../etc/passwd)", "<script>alert(1)</script>", "\\", "hosts:\n  - name: UPPER\n    memory: lots\n",
];
const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xfe, 0xff, 0x00]];

/**
 * `unit` repeated to about `chars` characters. Capped at 100 kB: a page that size must load quickly,
 * while bigger ones only measure how fast the markdown parser is, not whether the loader is sound.
 */
const repeatedArb = (units: string[], minChars: number) =>
  fc
    .record({ unit: fc.constantFrom(...units), chars: fc.integer({ min: minChars, max: 100_000 }) })
    .map(({ unit, chars }) => unit.repeat(Math.ceil(chars / unit.length)));

const fragmentArb = fc.oneof(
  { arbitrary: fc.constantFrom(...FRAGMENTS), weight: 6 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  repeatedArb(["[", "{", "> ", "- ", "  ", "* ", "{{", "```\n", "<div>"], 100), // deep nesting
  repeatedArb(["a", "{{exec", "`x`{{", "ab ", "=~= "], 10_000), // very long lines
);
const bytesArb = fc.oneof(
  fragmentArb.map((text) => new TextEncoder().encode(text)),
  fc.constantFrom(...INVALID_UTF8).map((bytes) => Uint8Array.from(bytes)),
  fc.uint8Array({ maxLength: 64 }),
);

/** -1 is the entry file (scenario.md or index.json), so it is hit often; otherwise any file by index. */
const fileArb = fc.oneof(fc.constant(-1), fc.nat());
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), file: fileArb, at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), file: fileArb, at: fc.nat(), bytes: bytesArb }),
  fc.record({ kind: fc.constant("delete-bytes" as const), file: fileArb, at: fc.nat(), length: fc.nat(200) }),
  fc.record({ kind: fc.constant("duplicate-bytes" as const), file: fileArb, at: fc.nat(), length: fc.nat(200) }),
  fc.record({ kind: fc.constant("insert-line" as const), file: fileArb, line: fc.nat(), text: fragmentArb }),
  fc.record({ kind: fc.constant("delete-line" as const), file: fileArb, line: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate-line" as const), file: fileArb, line: fc.nat() }),
  fc.record({ kind: fc.constant("swap-lines" as const), file: fileArb, line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("delete-file" as const), file: fileArb }),
  fc.record({ kind: fc.constant("replace-file" as const), file: fileArb, bytes: bytesArb }),
  fc.record({ kind: fc.constant("file-becomes-folder" as const), file: fileArb }),
  fc.record({ kind: fc.constant("symlink-loop" as const), file: fileArb }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

/** Short, readable form of a mutation for failure reports (fragments can be 200 kB long). */
function describeMutation(mutation: Mutation): string {
  const shown = Object.entries(mutation).map(([key, value]) => {
    const text = value instanceof Uint8Array ? `bytes[${value.length}]` : JSON.stringify(value);
    return `${key}=${text.length > 60 ? `${text.slice(0, 60)}…(${text.length} chars)` : text}`;
  });
  return `{${shown.join(" ")}}`;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function applyMutation(dir: string, mutation: Mutation): Promise<void> {
  const files = await listFiles(dir);
  if (files.length === 0) return;
  const entry = files.find((file) => file === "scenario.md" || file === "index.json");
  const file = join(dir, mutation.file === -1 && entry ? entry : files[Math.abs(mutation.file) % files.length]!);
  if (mutation.kind === "delete-file") return rm(file);
  if (mutation.kind === "file-becomes-folder") {
    await rm(file);
    return void (await mkdir(join(file, "nested"), { recursive: true }));
  }
  if (mutation.kind === "symlink-loop") {
    const link = join(dirname(file), "loop");
    return symlink(relative(dirname(file), dir) || ".", link, "dir").catch(() => undefined);
  }
  const bytes = await readFile(file);
  const at = (offset: number) => offset % (bytes.length + 1);
  const splice = (start: number, removed: number, inserted: Uint8Array = new Uint8Array()) =>
    Buffer.concat([bytes.subarray(0, start), inserted, bytes.subarray(start + removed)]);
  const lines = () => bytes.toString("latin1").split("\n");
  const writeLines = (edited: string[]) => writeFile(file, Buffer.from(edited.join("\n"), "latin1"));
  switch (mutation.kind) {
    case "truncate":
      return writeFile(file, bytes.subarray(0, at(mutation.at)));
    case "insert":
      return writeFile(file, splice(at(mutation.at), 0, mutation.bytes));
    case "delete-bytes":
      return writeFile(file, splice(at(mutation.at), mutation.length));
    case "duplicate-bytes": {
      const start = at(mutation.at);
      return writeFile(file, splice(start, 0, bytes.subarray(start, start + mutation.length)));
    }
    case "replace-file":
      return writeFile(file, mutation.bytes);
    case "insert-line": {
      const edited = lines();
      edited.splice(mutation.line % (edited.length + 1), 0, Buffer.from(mutation.text, "utf8").toString("latin1"));
      return writeLines(edited);
    }
    case "delete-line":
    case "duplicate-line": {
      const edited = lines();
      const index = mutation.line % edited.length;
      if (mutation.kind === "delete-line") edited.splice(index, 1);
      else edited.splice(index, 0, edited[index]!);
      return writeLines(edited);
    }
    case "swap-lines": {
      const edited = lines();
      const [a, b] = [mutation.line % edited.length, mutation.other % edited.length];
      [edited[a], edited[b]] = [edited[b]!, edited[a]!];
      return writeLines(edited);
    }
  }
}

// ---- the property ----------------------------------------------------------------------------

/** Why a load result breaks the contract, or undefined when it keeps it. */
function contractBreach(result: LoadResult): string | undefined {
  if (result.kind === "hung") return `loadScenario did not settle within ${WATCHDOG_MS} ms`;
  if (result.kind !== "loaded")
    return `loadScenario ${result.kind === "threw" ? "threw" : "killed its thread"}: ${result.error}`;
  for (const raw of result.diagnostics) {
    const parsed = DiagnosticSchema.safeParse(raw);
    const where = JSON.stringify(raw).slice(0, 400);
    if (!parsed.success) return `malformed diagnostic ${where}: ${parsed.error.message}`;
    const diagnostic = parsed.data;
    if (diagnostic.message.trim() === "") return `diagnostic without a message: ${where}`;
    if (diagnostic.file.trim() === "" || isAbsolute(diagnostic.file))
      return `diagnostic without a relative file: ${where}`;
    if (diagnostic.code === "loader-crashed") return `a loader crashed (a bug, caught by loadScenario): ${where}`;
  }
  return undefined;
}

describe("loadScenario on randomly damaged fixtures", () => {
  const loader = new LoaderWorker();
  let scratch = "";
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "circus-fuzz-"));
  });
  afterAll(async () => {
    await loader.dispose();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("has fixture scenarios to damage", () => {
    expect(fixtures.length, `no scenario folders under ${FIXTURES}`).toBeGreaterThan(0);
  });

  it.each(fixtures.map((fixture, index) => [basename(fixture), fixture, SEED + index] as const))(
    "%s: always resolves to well-formed diagnostics",
    async (name, fixture, seed) => {
      let caseNumber = 0;
      const property = fc.asyncProperty(
        fc
          .array(mutationArb, { minLength: 1, maxLength: 6 })
          .map((mutations) =>
            Object.assign(mutations, { [fc.toStringMethod]: () => mutations.map(describeMutation).join(", ") }),
          ),
        async (mutations) => {
          const caseDir = join(scratch, `${name}-${caseNumber++}`);
          const dir = join(caseDir, name);
          await cp(fixture, dir, { recursive: true });
          for (const mutation of mutations) await applyMutation(dir, mutation);
          const breach = contractBreach(await loader.load(dir));
          if (breach) {
            // Keep the damaged scenario for whoever fixes the loader.
            const kept = await mkdtemp(join(tmpdir(), `circus-fuzz-failure-${name}-`));
            await rename(dir, join(kept, name));
            throw new Error(`${breach}\nThe damaged scenario is kept in ${join(kept, name)}`);
          }
          await rm(caseDir, { recursive: true, force: true });
        },
      );
      try {
        await fc.assert(property, { numRuns: RUNS_PER_FIXTURE, seed, endOnFailure: true });
      } catch (failure) {
        const cause = failure instanceof Error && failure.cause instanceof Error ? `\n${failure.cause.message}` : "";
        const message = `${failure instanceof Error ? failure.message : String(failure)}${cause}`;
        throw new Error(
          `${message}\nReproduce with: CIRCUS_FUZZ_SEED=${SEED} npx vitest run --project unit ${relative(process.cwd(), fileURLToPath(import.meta.url))} -t "${name}"`,
        );
      }
    },
    120_000,
  );
});
