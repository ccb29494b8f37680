import { CommandAbortedError } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLabTestScope, type LabTestScope } from "../test/lab-test-scope";
import { attachLab } from "./attach-lab";
import type { Lab } from "./lab";
import { NoSolveScriptError } from "./lab-errors";
import { runCheck } from "./run-check";
import { runSolve } from "./run-solve";
import { showStep } from "./show-step";
import { startLab } from "./start-lab";

// One lab for the whole file: each step works on its own files, so the tests do not interfere.
let scope: LabTestScope;
let lab: Lab;
beforeAll(async () => {
  scope = await createLabTestScope();
  const { dir, scenario } = await scope.scenario({
    "scenario.md": "---\ntitle: Checks\n---\nIntro.\n",
    "01-make-a-file.md": [
      "# Make a file",
      "```bash setup",
      "echo ran >> /root/setup-runs",
      "```",
      "```bash setup foreground",
      "cd /root",
      "```",
      "```bash verify",
      'echo "checking ~/made"',
      '[ -f /root/made ] || { echo "There is no ~/made yet: run touch ~/made"; echo noise >&2; exit 1; }',
      "```",
      "```bash solve",
      "touch /root/made",
      "```",
      "```hint",
      "Use touch.",
      "```",
    ].join("\n"),
    "02-silent.md": "# Silent\n```bash verify\nexit 3\n```\n```hint\nLook at ~/silent first.\n```\n",
    "03-slow.md": "# Slow\n```bash verify timeout=1\nsleep 30\n```\n",
    "04-read.md": "# Read\n\nNothing to check.\n",
    "05-long.md": "# Long\n```bash verify timeout=60\nsleep 30\n```\n",
  });
  lab = await startLab({
    runtime: scope.runtime,
    scenario,
    scenarioDir: dir,
    ttlSeconds: 600,
    idleTimeoutSeconds: 600,
  });
});
afterAll(async () => {
  await scope.cleanup();
});

describe("runCheck", () => {
  it("fails before the work with the script's last stdout line as hint, and passes after the solve", async () => {
    const before = await runCheck(lab, 0);
    expect(before).toMatchObject({ passed: false, exitCode: 1, timedOut: false });
    expect(before.hint).toBe("There is no ~/made yet: run touch ~/made");
    expect(before.output).toContain("checking ~/made");

    expect((await runSolve(lab, 0)).exitCode).toBe(0);
    const after = await runCheck(lab, 0);
    expect(after).toMatchObject({ passed: true, exitCode: 0, timedOut: false });
    expect(after.hint).toBeUndefined();
  });

  it("gives the step's hint when the script says nothing", async () => {
    expect(await runCheck(lab, 1)).toMatchObject({ passed: false, exitCode: 3, hint: "Look at ~/silent first." });
  });

  it("reports a check that runs past its timeout as timed out, not passed", async () => {
    const result = await runCheck(lab, 2);
    expect(result).toMatchObject({ passed: false, timedOut: true, exitCode: null });
    expect(result.hint).toMatch(/did not finish within 1 s/);
  });

  it("passes a step without a verify script", async () => {
    expect(await runCheck(lab, 3)).toMatchObject({ passed: true, exitCode: null, timedOut: false });
  });

  it("stops the check when the signal aborts", async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    await expect(runCheck(lab, 4, { signal: abort.signal })).rejects.toBeInstanceOf(CommandAbortedError);
  });

  it("refuses to solve a step without a solve script", async () => {
    await expect(runSolve(lab, 1)).rejects.toBeInstanceOf(NoSolveScriptError);
  });
});

describe("showStep", () => {
  it("runs the step's setup once per lab, even when shown twice at once, and returns the foreground", async () => {
    const [first, second] = await Promise.all([showStep(lab, 0), showStep(lab, 0)]);
    const third = await showStep(lab, 0);
    expect(first.foreground).toBe("cd /root");
    expect([first, second, third].filter((shown) => shown.setup).length).toBe(1);
    const reattached = attachLab(scope.runtime, lab.scenario, lab.scenarioDir, lab.environment.id, { setupDone: [0] });
    await showStep(reattached, 0);
    const count = await scope.runtime
      .environment(lab.environment.id)
      .commands.run("node1", { script: "wc -l < /root/setup-runs" });
    expect(count.stdout.trim()).toBe("1");
  });
});

describe("runCheck with KataCoda's passOnDone", () => {
  it("passes a script whose last line is done even when it exits non-zero", async () => {
    const { dir, scenario } = await scope.scenario({
      "index.json": JSON.stringify({
        title: "Done",
        details: {
          intro: { text: "intro.md" },
          steps: [
            { title: "Says done", text: "step.md", verify: "done.sh" },
            { title: "Says not yet", text: "step.md", verify: "not-yet.sh" },
          ],
        },
        backend: { imageid: "ubuntu" },
      }),
      "intro.md": "Intro\n",
      "step.md": "Step\n",
      "done.sh": "echo checking\necho done\nexit 1\n",
      "not-yet.sh": "echo done\necho not yet\nexit 1\n",
    });
    expect(scenario.steps[0]!.verify?.passOnDone).toBe(true);
    const katacodaLab = await startLab({
      runtime: scope.runtime,
      scenario,
      scenarioDir: dir,
      ttlSeconds: 600,
      idleTimeoutSeconds: 600,
    });
    expect(await runCheck(katacodaLab, 0)).toMatchObject({ passed: true, exitCode: 1 });
    expect(await runCheck(katacodaLab, 1)).toMatchObject({ passed: false, hint: "not yet" });
  });
});
