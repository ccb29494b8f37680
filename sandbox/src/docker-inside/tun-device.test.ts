import { chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTunDeviceOpen } from "./tun-device";

// A stand-in file for the node: only its mode matters here (the real node is checked by docker-inside.int.test.ts).
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "circus-tun-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function nodeWithMode(name: string, mode: number): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, "");
  await chmod(path, mode);
  return path;
}

describe("the machine's TUN device", () => {
  it("opens a root-only node to every user, keeping its other bits", async () => {
    const path = await nodeWithMode("closed", 0o600);
    expect(await ensureTunDeviceOpen(path)).toEqual({ kind: "opened", fromMode: "600" });
    expect((await stat(path)).mode & 0o7777).toBe(0o666);
    expect(await ensureTunDeviceOpen(path)).toEqual({ kind: "open" });
  });

  it("leaves an open node as it is", async () => {
    const path = await nodeWithMode("open", 0o666);
    expect(await ensureTunDeviceOpen(path)).toEqual({ kind: "open" });
  });

  it("says what is missing when the kernel has no TUN node", async () => {
    const outcome = await ensureTunDeviceOpen(join(folder, "absent"));
    expect(outcome.kind).toBe("missing");
    expect(outcome.kind === "missing" && outcome.fix).toContain("CONFIG_TUN");
  });
});
