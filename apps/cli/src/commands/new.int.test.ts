// `circus new` then `circus test` on its output, against the real engine: the scaffold self-tests green
// (each check fails before its solve and passes after). CIRCUS_RUNTIME_LABELS scopes the sandboxes.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCircus } from "../test/run-circus";

const testId = randomBytes(6).toString("hex");
const env = { CIRCUS_RUNTIME_LABELS: `circus.test=${testId}` };
const docker = await connectEngine();
const filters = { label: [`circus.test=${testId}`] };
let temp = "";

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-new-int-"));
});
afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  await rm(temp, { recursive: true, force: true });
});

describe("circus new, then circus test", () => {
  it("scaffolds a scenario whose every step passes the self-test in a real sandbox", async () => {
    const created = await runCircus(["new", "first-lab"], { cwd: temp, env });
    expect(created.code).toBe(0);
    const tested = await runCircus(["test", "scenarios/first-lab", "--json"], { cwd: temp, env });
    expect(tested.stderr).not.toMatch(/FAIL/);
    expect(tested.code).toBe(0);
    const report = JSON.parse(tested.stdout);
    expect(report.summary).toEqual({ scenarios: 1, passed: 1, failed: 0, unsolvedSteps: 0 });
    expect(report.scenarios[0].steps.map((step: { status: string }) => step.status)).toEqual(["pass", "pass"]);
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  });
});
