import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registryStandIns } from "../docker-inside/seed-registry";
import { ImageManifestInvalidError } from "../errors";
import { computeContentHashes } from "./image-hashes";
import { findManifestImage, lineageOf, loadImagesManifest } from "./images-manifest";
import { splitImageName } from "./import-folder";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "circus-manifest-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rootfs = { name: "t/rootfs:bookworm", rootfs: { suite: "bookworm" } };

async function writeManifest(images: unknown[], dockerfiles: Record<string, string> = {}): Promise<void> {
  await writeFile(join(dir, "images.json"), JSON.stringify({ images }));
  for (const [context, text] of Object.entries(dockerfiles)) {
    await mkdir(join(dir, context), { recursive: true });
    await writeFile(join(dir, context, "Dockerfile"), text);
  }
}

describe("loadImagesManifest", () => {
  it("refuses a context folder that is a symbolic link out of the manifest's folder", async () => {
    const outside = await mkdtemp(join(tmpdir(), "circus-outside-"));
    try {
      await writeFile(join(outside, "Dockerfile"), "FROM t/rootfs:bookworm\n");
      await writeManifest([rootfs, { name: "t/a", context: "a", parent: "t/rootfs:bookworm" }]);
      await symlink(outside, join(dir, "a"));
      await expect(loadImagesManifest(dir)).rejects.toThrow(/not a link out of it/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("loads the repository's own docker/images.json", async () => {
    const manifest = await loadImagesManifest();
    const names = manifest.images.map((image) => image.name);
    // The root filesystem and the base image come first; every scenario image builds on one before it.
    expect(names.slice(0, 2)).toEqual(["circus/rootfs:bookworm", "circus/base:latest"]);
    expect(names).toContain("circus/mesh:latest");
    expect(new Set(names).size).toBe(names.length);
    manifest.images.forEach((image, index) => {
      if (!("parent" in image) || image.parent === undefined) return;
      expect(names.slice(0, index), `${image.name} must come after its parent`).toContain(image.parent);
    });
  });

  it("orders parents before children whatever the file's order, and tags names", async () => {
    await writeManifest(
      [
        { name: "t/child", context: "child", parent: "t/base" },
        { name: "t/base", context: "base", parent: "t/rootfs:bookworm" },
        rootfs,
      ],
      { base: "FROM t/rootfs:bookworm\n", child: "FROM t/base AS build\nFROM build\n" },
    );
    const manifest = await loadImagesManifest(dir);
    expect(manifest.images.map((image) => image.name)).toEqual([
      "t/rootfs:bookworm",
      "t/base:latest",
      "t/child:latest",
    ]);
    const child = findManifestImage(manifest, "child")!;
    expect(findManifestImage(manifest, "t/child")).toBe(child);
    expect(lineageOf(manifest, child).map((image) => image.name)).toEqual([
      "t/rootfs:bookworm",
      "t/base:latest",
      "t/child:latest",
    ]);
    expect(manifest.images[0]).toMatchObject({ kind: "rootfs", rootfs: { suite: "bookworm", variant: "minbase" } });
  });

  it.each([
    [
      "an unknown parent",
      [{ name: "t/a", context: "a", parent: "t/none" }],
      { a: "FROM t/none\n" },
      /not in the manifest/,
    ],
    [
      "a cycle",
      [
        { name: "t/a", context: "a", parent: "t/b" },
        { name: "t/b", context: "b", parent: "t/a" },
      ],
      { a: "FROM t/b\n", b: "FROM t/a\n" },
      /its own ancestor/,
    ],
    ["a duplicate", [rootfs, rootfs], {}, /listed twice/],
    [
      "a Dockerfile FROM another image",
      [rootfs, { name: "t/a", context: "a", parent: "t/rootfs:bookworm" }],
      { a: "FROM debian:bookworm\n" },
      /builds FROM debian:bookworm/,
    ],
    [
      "a missing Dockerfile",
      [rootfs, { name: "t/a", context: "a", parent: "t/rootfs:bookworm" }],
      {},
      /Dockerfile does not exist/,
    ],
    [
      "a context outside the folder",
      [rootfs, { name: "t/a", context: "../a", parent: "t/rootfs:bookworm" }],
      {},
      /must be a folder inside/,
    ],
    ["an unknown field", [{ ...rootfs, extra: 1 }], {}, /extra/],
  ])("rejects %s", async (_, images, dockerfiles, message) => {
    await writeManifest(images, dockerfiles);
    const failure = await loadImagesManifest(dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImageManifestInvalidError);
    expect((failure as Error).message).toMatch(message);
  });
});

describe("computeContentHashes", () => {
  it("is stable, and a change in a parent's inputs or a child's context changes the child's hash", async () => {
    const images = [rootfs, { name: "t/a", context: "a", parent: "t/rootfs:bookworm" }];
    await writeManifest(images, { a: "FROM t/rootfs:bookworm\n" });
    const first = await computeContentHashes(await loadImagesManifest(dir));
    expect(await computeContentHashes(await loadImagesManifest(dir))).toEqual(first);

    await writeFile(join(dir, "a", "Dockerfile"), "FROM t/rootfs:bookworm\nRUN true\n");
    const edited = await computeContentHashes(await loadImagesManifest(dir));
    expect(edited.get("t/rootfs:bookworm")).toBe(first.get("t/rootfs:bookworm"));
    expect(edited.get("t/a:latest")).not.toBe(first.get("t/a:latest"));

    await writeManifest([{ ...rootfs, rootfs: { suite: "trixie" } }, images[1]]);
    const otherSuite = await computeContentHashes(await loadImagesManifest(dir));
    expect(otherSuite.get("t/rootfs:bookworm")).not.toBe(edited.get("t/rootfs:bookworm"));
    expect(otherSuite.get("t/a:latest")).not.toBe(edited.get("t/a:latest"));
  });
});

describe("build targets and registry stand-ins", () => {
  it("builds several images from one multi-stage context, each with a hash of its own, and lists the stand-ins", async () => {
    const images = [
      rootfs,
      { name: "t/one", context: "s", target: "one", registry: "library/one", parent: "t/rootfs:bookworm" },
      { name: "t/two", context: "s", target: "two", registry: "library/two", parent: "t/rootfs:bookworm" },
    ];
    await writeManifest(images, { s: "FROM t/rootfs:bookworm AS build\nFROM scratch AS one\nFROM build AS two\n" });
    const manifest = await loadImagesManifest(dir);
    const hashes = await computeContentHashes(manifest);
    expect(hashes.get("t/one:latest")).not.toBe(hashes.get("t/two:latest"));
    expect(registryStandIns(manifest.images)).toEqual([
      { image: "t/one:latest", repository: "library/one" },
      { image: "t/two:latest", repository: "library/two" },
    ]);
  });

  it("refuses a registry repository that is not one", async () => {
    await writeManifest([rootfs, { name: "t/x", context: "x", registry: "Library/X!", parent: "t/rootfs:bookworm" }], {
      x: "FROM t/rootfs:bookworm\n",
    });
    await expect(loadImagesManifest(dir)).rejects.toThrow(/a repository like library\/nginx/);
  });
});

describe("splitImageName", () => {
  it("splits the tag, not a registry port", () => {
    expect(splitImageName("circus/rootfs:bookworm")).toEqual({ repo: "circus/rootfs", tag: "bookworm" });
    expect(splitImageName("localhost:5000/circus/base")).toEqual({ repo: "localhost:5000/circus/base", tag: "latest" });
  });
});
