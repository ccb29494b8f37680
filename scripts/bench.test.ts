// `npm run bench -- --only NAME` with a name no module has: it fails before setting up the engine and
// images. The run gets no PATH, so the setup (which runs `npx`) would fail with another message.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./steps";

function benchOnly(name: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--only", name], {
    cwd: repoRoot,
    env: { PATH: "" },
    encoding: "utf8",
  });
}

describe("bench --only", () => {
  it("names the known modules and stops before any setup when NAME is unknown", () => {
    const run = benchOnly("no-such-module");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("no benchmark module is named no-such-module");
    expect(run.stderr).toMatch(/the modules: sandbox, .*terminal, .*swarm/);
    expect(run.stderr).not.toContain("setting up");
  });

  it("goes on to the setup with a known NAME", () => {
    const run = benchOnly("sandbox");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("setting up the Docker engine failed");
    expect(run.stderr).not.toContain("no benchmark module");
  });
});
