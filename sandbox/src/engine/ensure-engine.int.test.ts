import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineUnreachableError } from "../errors";
import { connectEngine } from "./connect-engine";
import { type EngineProgressEvent, ensureEngine } from "./ensure-engine";

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "circus-engine-state-"));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe("ensureEngine", () => {
  it("uses the engine that already answers without starting or installing anything", async () => {
    const events: EngineProgressEvent[] = [];
    // configure/hostFirewall off: the shared engine and host are never reconfigured by a test
    // (engine-setup is tested on a private dockerd in host-isolation.int.test.ts).
    const engine = await ensureEngine({
      allowInstall: false,
      stateDir,
      configure: false,
      hostFirewall: false,
      onProgress: (event) => events.push(event),
    });
    expect(engine.how).toBe("already-running");
    expect(engine.dockerdPid).toBeUndefined();
    expect(events).toEqual([{ type: "ready", endpoint: engine.endpoint, how: "already-running" }]);
    expect(await readdir(stateDir)).toEqual([]);
    const version = await engine.docker.version();
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
  });

  it("never starts a dockerd for an engine other than the local default socket", async () => {
    const events: EngineProgressEvent[] = [];
    const dockerHost = `unix://${join(stateDir, "elsewhere.sock")}`;
    await expect(
      ensureEngine({
        dockerHost,
        stateDir,
        configure: false,
        hostFirewall: false,
        onProgress: (event) => events.push(event),
      }),
    ).rejects.toBeInstanceOf(EngineUnreachableError);
    expect(events).toEqual([]);
    expect(await readdir(stateDir)).toEqual([]);
  });
});

describe("connectEngine", () => {
  it("connects to the running engine", async () => {
    const docker = await connectEngine();
    expect(await docker.ping()).toBeTruthy();
  });
});
