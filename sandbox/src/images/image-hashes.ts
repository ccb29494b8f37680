// Content hashes of the manifest's images: what an image is built from (its recipe, its context
// and its parent's hash). An image on the engine whose label matches its hash needs no rebuild.
import { createHash } from "node:crypto";
import { hashBuildContext } from "./build-context";
import type { ImagesManifest, ManifestImage } from "./images-manifest";

/** Label holding an image's content hash. */
export const CONTENT_HASH_LABEL = "circus.content-hash";
/** Label marking images built by Circus (`docker images --filter label=circus.image=true`). */
export const IMAGE_LABEL = "circus.image";

/**
 * Bump when the way a root filesystem is made changes (debootstrap flags, import changes): the mirror
 * is deliberately not part of the hash, so that every machine agrees on it.
 */
const ROOTFS_RECIPE = "debootstrap+import/1";
const DOCKERFILE_RECIPE = "classic-build/1";

/** Every manifest image's content hash (sha256 hex), parents first. */
export async function computeContentHashes(manifest: ImagesManifest): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const image of manifest.images) hashes.set(image.name, await contentHashOf(image, hashes));
  return hashes;
}

async function contentHashOf(image: ManifestImage, known: Map<string, string>): Promise<string> {
  const inputs =
    image.kind === "rootfs"
      ? { recipe: ROOTFS_RECIPE, suite: image.rootfs.suite, variant: image.rootfs.variant }
      : {
          recipe: DOCKERFILE_RECIPE,
          context: await hashBuildContext(image.contextDir),
          parent: known.get(image.parent),
          // absent for single-stage images, so their hashes are what they always were
          target: image.target,
        };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}
