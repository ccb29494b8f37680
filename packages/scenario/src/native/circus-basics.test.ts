// Checks the repo's first scenario, scenarios/circus-basics: it loads cleanly, and each hands-on
// step's verify fails before the work (printing a hint as its last line) and passes after its solve.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadNativeScenario } from "./load-native-scenario";

const SCENARIO = fileURLToPath(new URL("../../../../scenarios/circus-basics", import.meta.url));
const run = promisify(execFile);

/** Runs a script as the sandbox would (`bash -c`), with a fresh home folder standing in for the learner's. */
async function runScript(script: string, home: string): Promise<{ code: number; lastLine: string }> {
  try {
    const { stdout } = await run("bash", ["-c", script], { cwd: home, env: { PATH: "/usr/bin:/bin", HOME: home } });
    return { code: 0, lastLine: stdout.trim().split("\n").at(-1) ?? "" };
  } catch (failure) {
    const { code, stdout } = failure as { code: number; stdout: string };
    return { code, lastLine: stdout.trim().split("\n").at(-1) ?? "" };
  }
}

describe("scenarios/circus-basics", async () => {
  const { scenario, diagnostics } = await loadNativeScenario(SCENARIO);
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "circus-basics-home-"));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("loads with no diagnostics: a 10-minute beginner scenario on one circus/base host", () => {
    expect(diagnostics).toEqual([]);
    expect(scenario).toMatchObject({
      id: "circus-basics",
      title: "Circus basics: your first sandbox",
      difficulty: "beginner",
      durationMinutes: 10,
      hosts: [{ name: "node1", image: "circus/base" }],
    });
    expect(scenario?.steps.map((s) => s.title)).toEqual([
      "Explore the sandbox",
      "Write a file",
      "Check what you learned",
    ]);
  });

  it("ends with a quiz step of all three kinds", () => {
    const quizStep = scenario?.steps[2];
    expect(quizStep?.markdown).toBe("");
    expect(quizStep?.quizzes.map((q) => q.kind)).toEqual(["single", "multiple", "text"]);
  });

  it.each([
    [0, "There is no ~/hostname.txt yet. Run: hostname > ~/hostname.txt"],
    [1, "There is no ~/circus/hello.txt yet: run the first block on this page"],
  ])("step %i: verify fails with a hint before the work and passes after the solve", async (index, hint) => {
    const step = scenario!.steps[index]!;
    expect(step.verify, "hands-on steps have a verify").toBeDefined();
    expect(step.solve, "hands-on steps have a solve").toBeDefined();
    expect(await runScript(step.verify!.script, home)).toEqual({ code: 1, lastLine: hint });
    expect((await runScript(step.solve!.script, home)).code).toBe(0);
    expect(await runScript(step.verify!.script, home)).toEqual({ code: 0, lastLine: "" });
  });

  it("step 2: verify refuses a file with the wrong content", async () => {
    await runScript('mkdir -p "$HOME/circus" && echo "Hello, circus" > "$HOME/circus/hello.txt"', home);
    expect(await runScript(scenario!.steps[1]!.verify!.script, home)).toEqual({
      code: 1,
      lastLine: "~/circus/hello.txt should contain exactly: Hello, Circus",
    });
  });

  it("step 2: the page's own exec block does the work the verify checks", async () => {
    const block = /```bash exec\n(.*)\n```/.exec(scenario!.steps[1]!.markdown)?.[1];
    expect(block).toBe('mkdir -p ~/circus && echo "Hello, Circus" > ~/circus/hello.txt');
    await runScript(block!, home);
    expect((await runScript(scenario!.steps[1]!.verify!.script, home)).code).toBe(0);
  });
});

describe("docs/authoring.md", () => {
  it("shows every file of scenarios/circus-basics exactly as it is", async () => {
    const { readFile, readdir } = await import("node:fs/promises");
    const guide = await readFile(fileURLToPath(new URL("../../../../docs/authoring.md", import.meta.url)), "utf8");
    const shown = new Map<string, string>();
    for (const match of guide.matchAll(
      /\*\*`scenarios\/circus-basics\/([^`]+)`\*\*\n\n(`{3,})\w*\n([\s\S]*?)\n\2\n/g,
    )) {
      shown.set(match[1]!, `${match[3]}\n`);
    }
    const files = (await readdir(SCENARIO)).sort();
    expect([...shown.keys()].sort()).toEqual(files);
    for (const file of files) expect(shown.get(file), file).toBe(await readFile(join(SCENARIO, file), "utf8"));
  });
});
