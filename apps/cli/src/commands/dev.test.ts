// The real `circus dev` refuses what it cannot preview before it touches the engine or starts a server:
// a wrong command line, a folder without a scenario, and a scenario with errors (printed with locations).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCircus } from "../test/run-circus";

let temp = "";
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-dev-"));
  await mkdir(join(temp, "broken"));
  await writeFile(join(temp, "broken", "scenario.md"), "---\ntitle: [unclosed\n---\nIntro.\n");
  await mkdir(join(temp, "empty"));
});
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe.concurrent("circus dev", { timeout: 60_000 }, () => {
  it("needs exactly one folder and a valid port", async () => {
    const none = await runCircus(["dev"], { cwd: temp });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/name one scenario folder/);
    const port = await runCircus(["dev", "broken", "--port", "70000"], { cwd: temp });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port is from 1 to 65535/);
  });

  it("prints the errors of an invalid scenario with their location and exits 1 without starting anything", async () => {
    const run = await runCircus(["dev", "broken"], { cwd: temp });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/broken\/scenario\.md:2:\d+: error \[yaml-invalid\]/);
    expect(run.stderr).toMatch(/circus dev: error: broken does not load/);
    expect(run.stderr).not.toMatch(/Docker engine/);
  });

  it("refuses a folder that holds no scenario", async () => {
    const run = await runCircus(["dev", "empty"], { cwd: temp });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not-a-scenario/);
  });
});
