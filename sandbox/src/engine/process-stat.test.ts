import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseProcessStat, readProcessStat, readProcessStatSync } from "./process-stat";

// A real line's shape (proc(5)), with a command name that holds a space and both parentheses.
const LINE =
  "4242 (odd ) (name) S 17 4242 4242 0 -1 4194560 900 0 3 0 250 75 12 8 20 0 3 0 5150 123456789 3072 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

describe("process stat", () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it("reads the fields after the command name's last parenthesis", () => {
    expect(parseProcessStat(LINE)).toEqual({
      name: "odd ) (name",
      state: "S",
      parentPid: 17,
      userTicks: 250,
      systemTicks: 75,
      childrenUserTicks: 12,
      childrenSystemTicks: 8,
      rssPages: 3072,
    });
  });

  it("refuses what is not a stat line", () => {
    expect(parseProcessStat("")).toBeUndefined();
    expect(parseProcessStat("12 (cut short) S 1 2")).toBeUndefined();
  });

  it("reads a process's file, and says undefined for one that is gone", async () => {
    const procRoot = await mkdtemp(join(tmpdir(), "circus-proc-"));
    folders.push(procRoot);
    await mkdir(join(procRoot, "4242"));
    await writeFile(join(procRoot, "4242", "stat"), LINE);
    expect((await readProcessStat(4242, procRoot))?.parentPid).toBe(17);
    expect(readProcessStatSync("4242", procRoot)?.rssPages).toBe(3072);
    expect(await readProcessStat(4243, procRoot)).toBeUndefined();
    expect(readProcessStatSync(4243, procRoot)).toBeUndefined();
  });

  it("reads this process's own entry", async () => {
    const own = await readProcessStat(process.pid);
    expect(own?.parentPid).toBe(process.ppid);
    expect(own?.state).toMatch(/^[RS]$/);
  });
});
