// `circus export` against the real engine: the exported host image builds from its Dockerfile (assets
// baked in with their modes), and the exported step scripts fail before the solution and pass after it,
// run the way lab.sh runs them (bash -s on the host). Everything made is labelled and removed.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCircus } from "../test/run-circus";

const testId = randomBytes(6).toString("hex");
const label = `circus.test=${testId}`;
const image = `circus-export-test/${testId}`;
let temp = "";

function docker(args: string[], input?: string) {
  const result = spawnSync("docker", args, { encoding: "utf8", input, timeout: 300_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-export-"));
});
afterAll(async () => {
  const ids = docker(["ps", "-aq", "--filter", `label=${label}`])
    .out.split("\n")
    .filter(Boolean);
  if (ids.length > 0) docker(["rm", "-f", ...ids]);
  docker(["image", "rm", "-f", image]);
  await rm(temp, { recursive: true, force: true });
});

describe("circus export on the engine", { timeout: 300_000 }, () => {
  it("builds the exported host and its scripts check, solve and check again", async () => {
    const exported = join(temp, "basics");
    expect((await runCircus(["export", "scenarios/circus-basics", "--out", exported])).code).toBe(0);
    const built = docker(["build", "-q", "--label", label, "-t", image, join(exported, "hosts", "node1")]);
    expect(built.out).toMatch(/sha256:/);
    const started = docker(["run", "-d", "--label", label, "--network", "none", image, "sleep", "infinity"]);
    expect(started.code).toBe(0);
    const container = started.out.trim();
    const script = (name: string) => readFile(join(exported, "scripts", name), "utf8");
    const runOnHost = async (name: string) => docker(["exec", "-i", container, "bash", "-s"], await script(name));

    expect((await runOnHost("02-verify.sh")).code).not.toBe(0);
    expect((await runOnHost("02-solve.sh")).code).toBe(0);
    expect((await runOnHost("02-verify.sh")).code).toBe(0);
  });

  it("runs an exported KataCoda scenario offline: background scripts, the page's commands and editor blocks as its solution", async () => {
    const exported = join(temp, "katacoda");
    const fixture = "packages/scenario/fixtures/katacoda-language-editor";
    expect((await runCircus(["export", fixture, "--out", exported])).code).toBe(0);
    const tag = `${image}-katacoda`;
    expect(docker(["build", "-q", "--label", label, "-t", tag, join(exported, "hosts", "host01")]).out).toMatch(
      /sha256:/,
    );
    const started = docker(["run", "-d", "--label", label, "--network", "none", tag, "sleep", "infinity"]);
    const container = started.out.trim();
    const runOnHost = async (name: string) =>
      docker(["exec", "-i", container, "bash", "-s"], await readFile(join(exported, "scripts", name), "utf8"));
    try {
      expect((await runOnHost("intro-setup.sh")).code).toBe(0);
      for (const step of ["01", "02", "03"]) {
        if (step === "01") expect((await runOnHost("01-setup.sh")).code).toBe(0);
        expect((await runOnHost(`${step}-verify.sh`)).out, step).not.toContain("done");
        await runOnHost(`${step}-solve.sh`);
        expect((await runOnHost(`${step}-verify.sh`)).out.trim(), step).toBe("done");
      }
    } finally {
      docker(["rm", "-f", container]);
      docker(["image", "rm", "-f", tag]);
    }
  });
});
