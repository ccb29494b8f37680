import { spawn } from "node:child_process";
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EngineSetupFiles, ownsEngine, writeCircusEngineSettings } from "./engine-setup";

let dir: string;
let files: EngineSetupFiles;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "circus-engine-setup-"));
  files = { daemonConfigFile: join(dir, "docker", "daemon.json"), markerFile: join(dir, "circus-engine.json") };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process that looks like `dockerd` started by ensureEngine (no arguments, output into .circus/dockerd.log). */
async function fakeDockerd(args: string[], logName = ".circus/dockerd.log") {
  await mkdir(join(dir, ".circus"), { recursive: true });
  const log = await open(join(dir, logName), "a");
  try {
    // `exec -a dockerd cat ...` shows as argv ["dockerd", ...args]; cat waits on its stdin.
    const child = spawn("bash", ["-c", `exec -a dockerd cat ${args.join(" ")}`], { stdio: ["pipe", log.fd, log.fd] });
    // Until bash has exec'd, the process is still "bash -c ...".
    while (!(await readFile(`/proc/${child.pid}/cmdline`, "utf8")).startsWith("dockerd\0")) await sleep(10);
    return child;
  } finally {
    await log.close();
  }
}

describe("engine setup", () => {
  it("merges remapping into daemon.json, keeping the operator's keys, and writes the marker", async () => {
    await mkdir(join(dir, "docker"));
    await writeFile(files.daemonConfigFile, JSON.stringify({ "log-level": "warn", "userns-remap": "someone" }));
    expect(await ownsEngine(files)).toBe(false);
    await writeCircusEngineSettings(files);
    expect(JSON.parse(await readFile(files.daemonConfigFile, "utf8"))).toEqual({
      "log-level": "warn",
      "userns-remap": "default",
    });
    expect(JSON.parse(await readFile(files.markerFile, "utf8"))).toMatchObject({ managedBy: "circus" });
    expect(await ownsEngine(files)).toBe(true);
  });

  it("refuses to overwrite a daemon.json that is not JSON", async () => {
    await mkdir(join(dir, "docker"));
    await writeFile(files.daemonConfigFile, "{ not json");
    await expect(writeCircusEngineSettings(files)).rejects.toThrow("is not valid JSON");
    expect(await readFile(files.daemonConfigFile, "utf8")).toBe("{ not json");
  });

  it("recognises a dockerd an earlier Circus started, and nothing else", async () => {
    const bare = await fakeDockerd([]);
    const withArgs = await fakeDockerd(["-"]);
    const elsewhere = await fakeDockerd([], "dockerd.log");
    try {
      expect(await ownsEngine(files, bare.pid)).toBe(true);
      expect(await ownsEngine(files, withArgs.pid)).toBe(false);
      expect(await ownsEngine(files, elsewhere.pid)).toBe(false);
      expect(await ownsEngine(files, undefined)).toBe(false);
      // The checkout that started it was removed since: its log is "(deleted)", still Circus's.
      await rm(join(dir, ".circus"), { recursive: true });
      expect(await ownsEngine(files, bare.pid)).toBe(true);
      // An operator's daemon.json means the operator configured it.
      await mkdir(join(dir, "docker"));
      await writeFile(files.daemonConfigFile, "{}");
      expect(await ownsEngine(files, bare.pid)).toBe(false);
    } finally {
      for (const child of [bare, withArgs, elsewhere]) child.kill();
    }
  });
});
