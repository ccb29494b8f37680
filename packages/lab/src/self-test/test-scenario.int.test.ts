import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabTestScope, type LabTestScope, REPO_ROOT } from "../../test/lab-test-scope";
import { type SelfTestEvent, testScenario } from "./test-scenario";
import { testScenarios } from "./test-scenarios";

let scope: LabTestScope;
beforeEach(async () => {
  scope = await createLabTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe("testScenario on the repository's example scenarios", () => {
  it.each(["circus-basics", "katacoda-hello", "killercoda-hello"])(
    "passes %s and leaves nothing behind",
    async (name) => {
      const report = await testScenario({ runtime: scope.runtime, scenarioDir: join(REPO_ROOT, "scenarios", name) });
      expect(report.steps.filter((step) => step.status !== "pass")).toEqual([]);
      expect(report).toMatchObject({ passed: true, aborted: false });
      expect(report.error).toBeUndefined();
      expect(report.steps.length).toBeGreaterThan(0);
      expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
    },
  );
});

describe("testScenario on broken scenarios", () => {
  it("fails a check that passes before the solve, and skips the steps after it", async () => {
    const dir = await scope.writeScenario({
      "scenario.md": "---\ntitle: Lenient\n---\nIntro.\n",
      "01-anything.md": "# Anything\n```bash verify\necho fine\n```\n```bash solve\ntrue\n```\n",
      "02-later.md": "# Later\n```bash verify\nexit 1\n```\n```bash solve\ntrue\n```\n",
    });
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: dir });
    expect(report.passed).toBe(false);
    expect(report.steps).toMatchObject([
      { index: 0, status: "fail", reason: "verify passed before solve", output: "fine\n" },
      { index: 1, status: "skip", detail: "an earlier step failed" },
    ]);
  });

  it("reports a hands-on step without a solve script as no-solution (not a failure), and a step without checks as no check", async () => {
    const dir = await scope.writeScenario({
      "scenario.md": "---\ntitle: Unsolvable\n---\nIntro.\n",
      "01-read.md": "# Read\n\nJust reading.\n",
      "02-work.md": "# Work\n```bash verify\ntest -f /root/x\n```\n",
    });
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: dir });
    expect(report.passed).toBe(true);
    expect(report.steps).toMatchObject([
      { index: 0, status: "skip", detail: "no check" },
      { index: 1, status: "no-solution", reason: expect.stringMatching(/^no solution to test with/) },
    ]);
  });

  it("fails a solve that does not make the check pass, with the check's output", async () => {
    const dir = await scope.writeScenario({
      "scenario.md": "---\ntitle: Wrong solve\n---\nIntro.\n",
      "01-work.md":
        '# Work\n```bash verify\ntest -f /root/x || { echo "no /root/x"; exit 1; }\n```\n```bash solve\ntouch /root/y\n```\n',
    });
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: dir });
    expect(report.steps).toMatchObject([
      { status: "fail", reason: "verify failed after solve (exit 1)", output: "no /root/x\n" },
    ]);
  });

  it("fails an invalid scenario without starting anything", async () => {
    const dir = await scope.writeScenario({ "scenario.md": "---\ndescription: no title\n---\nIntro.\n" });
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: dir });
    expect(report.passed).toBe(false);
    expect(report.error).toMatch(/the scenario is invalid/);
    expect(scope.runtime.list()).toEqual([]);
  });
});

describe("testScenario when aborted", () => {
  it("stops, reports the run as aborted and leaves no environment behind", async () => {
    const dir = await scope.writeScenario({
      "scenario.md": "---\ntitle: Slow setup\n---\nIntro.\n",
      "01-slow.md": "# Slow\n```bash setup\nsleep 60\n```\n```bash verify\nexit 1\n```\n```bash solve\ntrue\n```\n",
      "02-after.md": "# After\n\nNothing.\n",
    });
    const abort = new AbortController();
    const events: SelfTestEvent["type"][] = [];
    const report = await testScenario({
      runtime: scope.runtime,
      scenarioDir: dir,
      signal: abort.signal,
      onProgress: (event) => {
        events.push(event.type);
        if (event.type === "environment-ready") setTimeout(() => abort.abort(), 500);
      },
    });
    expect(report).toMatchObject({ passed: false, aborted: true });
    expect(report.steps.map((step) => step.status)).toEqual(["skip", "skip"]);
    expect(events).toEqual(["scenario-started", "environment-ready", "scenario-finished"]);
    expect(scope.runtime.list()).toEqual([]);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });
});

describe("testScenarios", () => {
  it("tests several scenarios in parallel and returns the reports in input order", async () => {
    const passing = await scope.writeScenario({
      "scenario.md": "---\ntitle: Passing\n---\nIntro.\n",
      "01-work.md": "# Work\n```bash verify\ntest -f /root/x\n```\n```bash solve\ntouch /root/x\n```\n",
    });
    const failing = await scope.writeScenario({
      "scenario.md": "---\ntitle: Failing\n---\nIntro.\n",
      "01-work.md": "# Work\n```bash verify\ntrue\n```\n```bash solve\ntrue\n```\n",
    });
    const reports = await testScenarios([passing, failing, passing], { runtime: scope.runtime, concurrency: 2 });
    expect(reports.map((report) => [report.title, report.passed])).toEqual([
      ["Passing", true],
      ["Failing", false],
      ["Passing", true],
    ]);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });
});
