// Builds a tiny test image FROM the local root filesystem through the real engine: the first
// build builds, the second is cached, a change rebuilds, and a failing RUN gives the typed error.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectEngine } from "../engine/connect-engine";
import { ImageBuildFailedError } from "../errors";
import type { ImageBuildEvent } from "./build-events";
import { buildImages } from "./build-images";
import { CONTENT_HASH_LABEL, IMAGE_LABEL } from "./image-hashes";
import { inspectImage } from "./image-status";
import { loadImagesManifest } from "./images-manifest";

const testId = randomUUID().slice(0, 8);
const imageName = `circus-test/tiny-${testId}:latest`;
const brokenName = `circus-test/broken-${testId}:latest`;
let docker: Dockerode;
let dir: string;

beforeAll(async () => {
  docker = await connectEngine();
  dir = await mkdtemp(join(tmpdir(), "circus-images-"));
  // The root filesystem entry is the repository's own, so it is the cached circus/rootfs:bookworm.
  const rootfs = (await loadImagesManifest()).images.find((image) => image.kind === "rootfs")!;
  const manifest = {
    images: [
      { name: rootfs.name, rootfs: rootfs.kind === "rootfs" ? rootfs.rootfs : undefined },
      { name: imageName, context: "tiny", parent: rootfs.name },
      { name: brokenName, context: "broken", parent: rootfs.name },
    ],
  };
  await writeFile(join(dir, "images.json"), JSON.stringify(manifest));
  await mkdir(join(dir, "tiny"));
  await writeFile(
    join(dir, "tiny", "Dockerfile"),
    `FROM ${rootfs.name}\nLABEL circus.test=${testId}\nCOPY greeting /etc/circus-greeting\nRUN test -s /etc/circus-greeting\n`,
  );
  await writeFile(join(dir, "tiny", "greeting"), "hello\n");
  await mkdir(join(dir, "broken"));
  await writeFile(join(dir, "broken", "Dockerfile"), `FROM ${rootfs.name}\nLABEL circus.test=${testId}\nRUN false\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await removeTestImages(docker, testId);
});

async function build(only: string, force = false) {
  const events: ImageBuildEvent[] = [];
  const results = await buildImages({ docker, imagesDir: dir, only, force, onProgress: (event) => events.push(event) });
  return { results, events, byName: new Map(results.map((result) => [result.name, result])) };
}

describe("buildImages", () => {
  it("builds, then skips the unchanged image as cached, then rebuilds it when its context changes", async () => {
    const first = await build(imageName);
    expect(first.byName.get("circus/rootfs:bookworm")?.action).toBe("cached");
    const built = first.byName.get(imageName)!;
    expect(built.action).toBe("built");
    expect(first.events.some((event) => event.type === "step" && event.message.startsWith("Step 1/"))).toBe(true);
    const labels = (await inspectImage(docker, imageName))?.Config.Labels;
    expect(labels).toMatchObject({
      [IMAGE_LABEL]: "true",
      [CONTENT_HASH_LABEL]: built.contentHash,
      "circus.test": testId,
    });

    const second = await build(imageName);
    expect(second.byName.get(imageName)).toMatchObject({ action: "cached", imageId: built.imageId });
    expect(second.events.filter((event) => event.type === "build-started")).toEqual([]);
    expect(second.events).toContainEqual({ type: "cached", image: imageName, contentHash: built.contentHash });

    await writeFile(join(dir, "tiny", "greeting"), "hello again\n");
    const third = await build(imageName);
    const rebuilt = third.byName.get(imageName)!;
    expect(rebuilt.action).toBe("built");
    expect(rebuilt.contentHash).not.toBe(built.contentHash);
    expect(third.events).toContainEqual(expect.objectContaining({ type: "build-started", reason: "changed" }));
    expect(third.events).toContainEqual({
      type: "superseded",
      image: imageName,
      imageId: built.imageId,
      removed: true,
    });
    expect(await inspectImage(docker, built.imageId)).toBeUndefined();
  });

  it("rebuilds only the named image when forced", async () => {
    const forced = await build(imageName, true);
    expect(forced.byName.get("circus/rootfs:bookworm")?.action).toBe("cached");
    expect(forced.events).toContainEqual(
      expect.objectContaining({ type: "build-started", image: imageName, reason: "forced" }),
    );
  });

  it("turns a failing RUN into ImageBuildFailedError with the build's last lines", async () => {
    const failure = await build(brokenName).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImageBuildFailedError);
    const error = failure as ImageBuildFailedError;
    expect(error.code).toBe("image_build_failed");
    expect(error.image).toBe(brokenName);
    expect(error.message).toMatch(/returned a non-zero code: 1/);
    expect(error.logTail).toContainEqual(expect.stringMatching(/^Step 3\/\d+ : RUN false/));
    expect(await inspectImage(docker, brokenName)).toBeUndefined();
  });
});

/** Removes every image (tagged, or an intermediate of a failed build) carrying this run's test label. */
async function removeTestImages(docker: Dockerode, id: string): Promise<void> {
  // Children must go before the intermediates they stand on: remove what can be removed, then retry the rest.
  for (let pass = 0; pass < 10; pass++) {
    const listed = await docker.listImages({ all: true, filters: { label: [`circus.test=${id}`] } });
    if (listed.length === 0) return;
    for (const image of listed) {
      await docker
        .getImage(image.Id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          // 404: gone with a child removed before it; 409: still has a child, removed in a later pass
          if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
        });
    }
  }
  throw new Error(`images labelled circus.test=${id} are left after 10 passes`);
}
