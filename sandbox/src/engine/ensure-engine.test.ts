import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { livePidFrom } from "./ensure-engine";

const dir = mkdtempSync(join(tmpdir(), "circus-pidfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pidFile(content: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.pid`);
  writeFileSync(path, content);
  return path;
}

describe("livePidFrom", () => {
  it("ignores a stale pid file whose pid now belongs to another program", async () => {
    // This test's own process is alive but is not dockerd: waiting on it would hang npm start.
    expect(await livePidFrom(pidFile(`${process.pid}\n`))).toBeUndefined();
  });

  it("ignores a missing file, garbage and a pid that does not exist", async () => {
    expect(await livePidFrom(join(dir, "absent.pid"))).toBeUndefined();
    expect(await livePidFrom(pidFile("not a pid"))).toBeUndefined();
    expect(await livePidFrom(pidFile("2147483646"))).toBeUndefined();
  });
});
