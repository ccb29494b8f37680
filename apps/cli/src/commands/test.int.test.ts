// Runs the real `circus test` against the real engine: the repository's scenarios, broken scenarios in
// temp folders, the --json contract, and Ctrl-C. CIRCUS_RUNTIME_LABELS scopes every sandbox to this test.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { StepTestResultSchema } from "@circus/lab";
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CIRCUS_BIN, REPO_ROOT, runCircus } from "../test/run-circus";

const TestOutputSchema = z.object({
  scenarios: z.array(
    z.object({ path: z.string(), title: z.string(), passed: z.boolean(), steps: z.array(StepTestResultSchema) }),
  ),
  summary: z.object({ scenarios: z.number(), passed: z.number(), failed: z.number(), unsolvedSteps: z.number() }),
});

const testId = randomBytes(6).toString("hex");
const env = { CIRCUS_RUNTIME_LABELS: `circus.test=${testId}` };
const docker = await connectEngine();
const filters = { label: [`circus.test=${testId}`] };
let temp = "";

async function writeScenario(name: string, files: Record<string, string>): Promise<string> {
  const root = join(temp, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

async function leftovers(): Promise<number> {
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  return containers.length + networks.length;
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-test-cli-"));
});
afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((network) => docker.getNetwork(network.Id).remove()));
  await rm(temp, { recursive: true, force: true });
});

describe("circus test", () => {
  // Every scenario of the repository is self-tested by its own step of `npm test`; here, one of each format.
  it("passes scenarios of both formats, prints a table, and leaves no sandbox behind", async () => {
    const run = await runCircus(["test", "scenarios/circus-basics", "scenarios/katacoda-hello"], { env });
    expect(run.stderr).toMatch(/^PASS {2}scenarios\/circus-basics › 1\. Explore the sandbox/m);
    expect(run.stdout).toMatch(/scenarios\/katacoda-hello "Hello, KataCoda format" PASS/);
    expect(run.stdout).toMatch(/^2 scenarios: 2 passed, 0 failed$/m);
    expect(run.code).toBe(0);
    expect(await leftovers()).toBe(0);
  });

  it("prints one JSON object and exits 1 when a check passes before its solve", async () => {
    const lenient = await writeScenario("lenient", {
      "scenario.md": "---\ntitle: Lenient\n---\nIntro.\n",
      "01-anything.md": "# Anything\n```bash verify\necho fine\n```\n```bash solve\ntrue\n```\n",
    });
    const run = await runCircus(["test", lenient, "scenarios/circus-basics", "--json", "--concurrency", "2"], { env });
    expect(run.code).toBe(1);
    const output = TestOutputSchema.parse(JSON.parse(run.stdout));
    expect(output.summary).toEqual({ scenarios: 2, passed: 1, failed: 1, unsolvedSteps: 0 });
    expect(output.scenarios[0]).toMatchObject({
      title: "Lenient",
      passed: false,
      steps: [{ status: "fail", reason: "verify passed before solve" }],
    });
    expect(output.scenarios[1]).toMatchObject({ path: "scenarios/circus-basics", passed: true });
  });

  it("counts a step with no solution to test with apart, without failing the scenario", async () => {
    const fixture = "packages/scenario/fixtures/killercoda-copy-and-verify";
    const run = await runCircus(["test", fixture], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/NO SOLUTION .*no solution to test with/);
    expect(run.stdout).toMatch(/^1 scenarios: 1 passed, 0 failed; 1 step with no solution to test with$/m);
    const json = TestOutputSchema.parse(JSON.parse((await runCircus(["test", fixture, "--json"], { env })).stdout));
    expect(json.summary).toEqual({ scenarios: 1, passed: 1, failed: 0, unsolvedSteps: 1 });
    expect(json.scenarios[0]?.steps.map((step) => step.status)).toEqual(["pass", "no-solution"]);
    expect(await leftovers()).toBe(0);
  });

  it("keeps the recording of a failing step and prints where it is", async () => {
    const broken = await writeScenario("broken-solve", {
      "scenario.md": "---\ntitle: Broken solve\n---\nIntro.\n",
      "01-fine.md": "# Fine\n```bash verify\ntest -f /tmp/fine\n```\n```bash solve\ntouch /tmp/fine\n```\n",
      "02-broken.md":
        "# Broken\n```bash verify\necho still-missing-$((6*7)); test -f /tmp/never\n```\n```bash solve\necho solving-$((2+2))\n```\n",
    });
    const run = await runCircus(["test", broken], { env, cwd: temp });
    expect(run.code).toBe(1);
    const printed = /recording: (\S+\.cast)/.exec(run.stdout);
    expect(printed?.[1]).toBe(join(".circus", "test-recordings", "broken-solve", "step-02.cast"));
    const cast = (await readFile(join(temp, printed![1]!), "utf8")).trim().split("\n");
    expect(JSON.parse(cast[0]!)).toMatchObject({ version: 2, title: "Broken solve — step 2: Broken" });
    const events = cast.slice(1).map((line) => JSON.parse(line) as [number, string, string]);
    expect(events.filter(([, code]) => code === "m").map(([, , label]) => label)).toEqual([
      "verify before the solution",
      "solve",
      "verify after the solution",
      "failed: verify failed after solve (exit 1)",
    ]);
    const output = events
      .filter(([, code]) => code === "o")
      .map(([, , data]) => data)
      .join("");
    expect(output).toContain("solving-4");
    expect(output).toContain("still-missing-42");
    await expect(readFile(join(temp, ".circus", "test-recordings", "broken-solve", "step-01.cast"))).rejects.toThrow();
  });

  it("fails an invalid scenario without starting a sandbox", async () => {
    const invalid = await writeScenario("invalid", { "scenario.md": "---\ndescription: no title\n---\nBody.\n" });
    const run = await runCircus(["test", invalid, "--json"], { env });
    expect(run.code).toBe(1);
    const output = TestOutputSchema.parse(JSON.parse(run.stdout));
    expect(output.scenarios[0]).toMatchObject({ passed: false, steps: [] });
    expect(JSON.parse(run.stdout).scenarios[0].error).toMatch(/invalid scenario/);
    expect(await leftovers()).toBe(0);
  });

  it("refuses a bad --concurrency as a usage error", async () => {
    const run = await runCircus(["test", "scenarios/", "--concurrency", "0"], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--concurrency is at least 1/);
  });

  it("stops on Ctrl-C, reports the run as aborted and removes its sandboxes", async () => {
    const slow = await writeScenario("slow", {
      "scenario.md": "---\ntitle: Slow\n---\nIntro.\n",
      "01-slow.md": "# Slow\n```bash setup\nsleep 120\n```\n```bash verify\nexit 1\n```\n```bash solve\ntrue\n```\n",
    });
    const child = spawn(process.execPath, [CIRCUS_BIN, "test", slow], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const started = new Promise<void>((resolve) => {
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        if (stderr.includes("START")) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await started;
    // Wait until the sandbox exists, so the interrupt has something to clean up.
    while ((await docker.listContainers({ filters })).length === 0) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/interrupted/);
    expect(stdout).toMatch(/ABORTED/);
    expect(await leftovers()).toBe(0);
  });
});
