import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuildContext, packBuildContext } from "./build-context";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "circus-context-"));
  await writeFile(join(dir, "Dockerfile"), "FROM circus/rootfs:bookworm\nCOPY motd /etc/motd\n");
  await mkdir(join(dir, "files"));
  await writeFile(join(dir, "files", "motd"), "hello\n");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hashBuildContext", () => {
  it("is stable for the same content", async () => {
    const first = await hashBuildContext(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashBuildContext(dir)).toBe(first);
  });

  it("does not depend on where the folder is", async () => {
    const copy = await mkdtemp(join(tmpdir(), "circus-context-copy-"));
    try {
      await writeFile(join(copy, "Dockerfile"), "FROM circus/rootfs:bookworm\nCOPY motd /etc/motd\n");
      await mkdir(join(copy, "files"));
      await writeFile(join(copy, "files", "motd"), "hello\n");
      expect(await hashBuildContext(copy)).toBe(await hashBuildContext(dir));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("changes when a file's bytes change", async () => {
    const before = await hashBuildContext(dir);
    await writeFile(join(dir, "files", "motd"), "hello!\n");
    expect(await hashBuildContext(dir)).not.toBe(before);
  });

  it("changes when a file is renamed, added or its mode changes", async () => {
    const seen = new Set([await hashBuildContext(dir)]);
    await writeFile(join(dir, "files", "extra"), "");
    seen.add(await hashBuildContext(dir));
    await chmod(join(dir, "files", "extra"), 0o755);
    seen.add(await hashBuildContext(dir));
    await rm(join(dir, "files", "extra"));
    await writeFile(join(dir, "files", "extra2"), "");
    seen.add(await hashBuildContext(dir));
    await symlink("motd", join(dir, "files", "link"));
    seen.add(await hashBuildContext(dir));
    expect(seen.size).toBe(5);
  });
});

describe("packBuildContext", () => {
  it("packs every entry with its mode and bytes", async () => {
    await chmod(join(dir, "files", "motd"), 0o640);
    const seen: Record<string, { type: string; mode?: number; body: string }> = {};
    const unpack = extract();
    packBuildContext(dir).pipe(unpack as unknown as NodeJS.WritableStream);
    for await (const entry of unpack) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      seen[entry.header.name] = {
        type: entry.header.type ?? "file",
        mode: entry.header.mode,
        body: Buffer.concat(chunks).toString(),
      };
    }
    expect(Object.keys(seen)).toEqual(["Dockerfile", "files", "files/motd"]);
    expect(seen["files/motd"]).toEqual({ type: "file", mode: 0o640, body: "hello\n" });
    expect(seen.files?.type).toBe("directory");
  });
});
