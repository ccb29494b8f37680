// The disk quota's `du` helper on real directories: sizes by path, unreadable paths left out, and one
// long-lived helper process for every measure (the server must not fork itself per round).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DirectorySizes, parseDu } from "./directory-sizes";

const folders: string[] = [];
const helpers: DirectorySizes[] = [];
afterEach(async () => {
  for (const helper of helpers.splice(0)) helper.dispose();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function folderWith(bytes: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "circus-du-"));
  folders.push(folder);
  await writeFile(join(folder, "data"), Buffer.alloc(bytes, 1));
  return folder;
}

describe("DirectorySizes", () => {
  it("measures each directory through one helper process that stays across measures", async () => {
    const sizes = new DirectorySizes(10_000);
    helpers.push(sizes);
    const small = await folderWith(64 * 1024);
    const large = await folderWith(1024 * 1024);
    const missing = join(small, "gone");

    const first = await sizes.measure([small, large, missing]);
    expect([...first.keys()].sort()).toEqual([small, large].sort());
    expect(first.get(small)).toBeGreaterThanOrEqual(64 * 1024);
    expect(first.get(large)).toBeGreaterThanOrEqual(1024 * 1024);
    const pid = sizes.helperPid;
    expect(pid).toBeGreaterThan(0);

    await writeFile(join(small, "more"), Buffer.alloc(512 * 1024, 1));
    const second = await sizes.measure([small]);
    expect(second.get(small)).toBeGreaterThanOrEqual(576 * 1024);
    expect(await sizes.measure([])).toEqual(new Map());
    expect(sizes.helperPid).toBe(pid);
  });

  it("starts another helper when the first one died, and refuses paths it cannot pass on a line", async () => {
    const sizes = new DirectorySizes(10_000);
    helpers.push(sizes);
    const folder = await folderWith(4096);
    sizes.start();
    const first = sizes.helperPid;
    process.kill(first ?? 0, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sizes.measure([folder])).has(folder)).toBe(true);
    expect(sizes.helperPid).not.toBe(first);
    await expect(sizes.measure(["/tmp/a\nb"])).rejects.toThrow(/not a measurable directory/);
  });

  it("parses du's lines", () => {
    expect(parseDu("4096\t/a\n12288\t/b c\n\n")).toEqual(
      new Map([
        ["/a", 4096],
        ["/b c", 12288],
      ]),
    );
  });
});
