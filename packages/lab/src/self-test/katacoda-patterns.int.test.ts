// The runnable KataCoda and Killercoda pattern fixtures (packages/scenario/fixtures) self-tested on the
// real engine: a language image with its tutorial folder, editor blocks written by the page-command
// solver, background scripts, an executable asset, [[HOST_IP]], and a step with no solution to test with.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabTestScope, type LabTestScope, REPO_ROOT } from "../../test/lab-test-scope";
import { testScenario } from "./test-scenario";

const fixture = (name: string) => join(REPO_ROOT, "packages", "scenario", "fixtures", name);

let scope: LabTestScope;
beforeEach(async () => {
  scope = await createLabTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

describe("self-test of KataCoda and Killercoda patterns", () => {
  it("passes the language-image scenario: editor blocks, background script, asset with chmod, [[HOST_IP]]", async () => {
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: fixture("katacoda-language-editor") });
    expect(report.error).toBeUndefined();
    expect(report.steps.map((step) => step.reason ?? "")).toEqual(["", "", ""]);
    expect(report.steps).toMatchObject([
      { status: "pass", detail: "verify, solved with the page's commands" },
      { status: "pass", detail: "verify, solved with the page's commands" },
      { status: "pass", detail: "verify, solved with the page's commands" },
    ]);
    expect(report.passed).toBe(true);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("writes replace/append/prepend blocks like the editor, and reports a step with no solution apart", async () => {
    const report = await testScenario({ runtime: scope.runtime, scenarioDir: fixture("killercoda-copy-and-verify") });
    expect(report.steps).toMatchObject([
      { status: "pass" },
      { status: "no-solution", reason: expect.stringMatching(/^no solution to test with/) },
    ]);
    expect(report.passed).toBe(true);
  });
});
