// Finding the engine's dockerd against the real /proc and the real engine: by its pidfile when that process
// serves the engine's socket, else by the socket alone; a socket no dockerd serves is reported, not guessed.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDockerd } from "./engine-daemon";

const ENGINE_SOCKET = "/var/run/docker.sock";
let temp = "";

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-dockerd-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("findDockerd", () => {
  it("finds the engine's dockerd by its socket whatever the pidfile says", async () => {
    const none = join(temp, "none.json");
    const bySocket = await findDockerd({ socketPath: ENGINE_SOCKET, daemonConfig: none, defaultPidFile: none });
    expect(bySocket).toMatchObject({ how: "socket" });
    if (!("pid" in bySocket)) throw new Error("not found");
    expect((await readFile(`/proc/${bySocket.pid}/comm`, "utf8")).trim()).toBe("dockerd");

    // A stale pidfile (a pid that is not a dockerd: this process) is not believed.
    const stale = join(temp, "stale.pid");
    await writeFile(stale, `${process.pid}\n`);
    expect(await findDockerd({ socketPath: ENGINE_SOCKET, daemonConfig: none, defaultPidFile: stale })).toEqual({
      pid: bySocket.pid,
      how: "socket",
    });

    // The pidfile named in the daemon's configuration, when it holds the engine's dockerd.
    const configured = join(temp, "configured.pid");
    await writeFile(configured, `${bySocket.pid}\n`);
    const config = join(temp, "daemon.json");
    await writeFile(config, JSON.stringify({ pidfile: configured, "log-level": "info" }));
    expect(await findDockerd({ socketPath: ENGINE_SOCKET, daemonConfig: config, defaultPidFile: stale })).toEqual({
      pid: bySocket.pid,
      how: "pidfile",
    });
  });

  it("says why when no dockerd serves the socket (a process that is not dockerd listens there; TCP)", async () => {
    const socketPath = join(temp, "not-docker.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const found = await findDockerd({ socketPath, daemonConfig: join(temp, "none.json") });
      expect(found).toEqual({ missing: expect.stringContaining(`no dockerd on this machine serves ${socketPath}`) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await findDockerd({ socketPath: undefined })).toEqual({ missing: expect.stringContaining("over TCP") });
  });
});
