// Builds the sandbox images of the manifest in parent-first order, skipping every image whose
// content hash label already matches (so a second run with nothing changed builds nothing).
import type Dockerode from "dockerode";
import { UnknownImageError } from "../errors";
import { buildDockerfileImage } from "./build-dockerfile-image";
import type { BuildReason, ImageBuildListener } from "./build-events";
import { buildRootfsImage } from "./build-rootfs";
import { CONTENT_HASH_LABEL, IMAGE_LABEL } from "./image-hashes";
import { type ImageStatus, imageStatus } from "./image-status";
import {
  DEFAULT_IMAGES_DIR,
  findManifestImage,
  lineageOf,
  loadImagesManifest,
  type ManifestImage,
} from "./images-manifest";

export interface BuildImagesOptions {
  docker: Dockerode;
  /** Build this image (full name, name without tag, or context folder) and those of its ancestors that are out of date. Default: all. */
  only?: string;
  /** Rebuild even when the hash matches: the `only` image, or every image. Default: false. */
  force?: boolean;
  /** Folder of images.json. Default: the repository's `docker/`. */
  imagesDir?: string;
  /** Debian mirror for root filesystems. Default: read from the machine's apt configuration. */
  mirror?: string;
  /** Install debootstrap with apt-get when a root filesystem must be built and it is missing (root only). Default: true. */
  allowInstall?: boolean;
  onProgress?: ImageBuildListener;
  signal?: AbortSignal;
}

export interface BuiltImage {
  name: string;
  action: "cached" | "built";
  contentHash: string;
  imageId: string;
  /** Set for built images. */
  durationMs?: number;
}

export async function buildImages(options: BuildImagesOptions): Promise<BuiltImage[]> {
  const { docker, signal } = options;
  const emit = options.onProgress ?? (() => {});
  const manifest = await loadImagesManifest(options.imagesDir ?? DEFAULT_IMAGES_DIR);
  const statuses = new Map((await imageStatus(docker, { manifest })).map((status) => [status.name, status]));

  let selected: ManifestImage[] = manifest.images;
  let target: ManifestImage | undefined;
  if (options.only !== undefined) {
    target = findManifestImage(manifest, options.only);
    if (!target) {
      throw new UnknownImageError(
        options.only,
        manifest.images.map((image) => image.name),
      );
    }
    selected = lineageOf(manifest, target);
  }

  const rebuilt = new Set<string>();
  const plan = selected.map((image) => {
    const status = statuses.get(image.name)!;
    const parentRebuilt = image.kind === "dockerfile" && rebuilt.has(image.parent);
    const forced = options.force === true && (target === undefined || target === image);
    const reason = reasonToBuild(status, forced, parentRebuilt);
    if (reason) rebuilt.add(image.name);
    return { image, status, reason };
  });
  emit({
    type: "plan",
    images: plan.map(({ image, reason }) =>
      reason ? { name: image.name, action: "build" as const, reason } : { name: image.name, action: "cached" as const },
    ),
  });

  const results: BuiltImage[] = [];
  const superseded: { image: string; imageId: string }[] = [];
  for (const { image, status, reason } of plan) {
    signal?.throwIfAborted();
    if (!reason) {
      emit({ type: "cached", image: image.name, contentHash: status.contentHash });
      results.push({ name: image.name, action: "cached", contentHash: status.contentHash, imageId: status.imageId! });
      continue;
    }
    emit({ type: "build-started", image: image.name, contentHash: status.contentHash, reason });
    const started = Date.now();
    const labels = { [IMAGE_LABEL]: "true", [CONTENT_HASH_LABEL]: status.contentHash };
    const imageId =
      image.kind === "rootfs"
        ? await buildRootfsImage(docker, image, {
            labels,
            mirror: options.mirror,
            allowInstall: options.allowInstall,
            onProgress: emit,
            signal,
          })
        : await buildDockerfileImage(docker, image, { labels, onProgress: emit, signal });
    const durationMs = Date.now() - started;
    emit({ type: "built", image: image.name, imageId, contentHash: status.contentHash, durationMs });
    results.push({ name: image.name, action: "built", contentHash: status.contentHash, imageId, durationMs });
    // Only images Circus built are ever removed; a hand-made stand-in under the same name stays.
    if (status.imageId && status.imageId !== imageId && status.builtContentHash) {
      superseded.push({ image: image.name, imageId: status.imageId });
    }
  }
  // Children first: an old parent cannot go while an old child still stands on it.
  for (const old of superseded.reverse()) {
    try {
      await docker.getImage(old.imageId).remove();
      emit({ type: "superseded", image: old.image, imageId: old.imageId, removed: true });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      emit({ type: "superseded", image: old.image, imageId: old.imageId, removed: false, detail });
    }
  }
  return results;
}

function reasonToBuild(status: ImageStatus, forced: boolean, parentRebuilt: boolean): BuildReason | undefined {
  if (forced) return "forced";
  if (!status.present) return "missing";
  if (!status.builtContentHash) return "not-built-by-circus";
  if (!status.upToDate) return "changed";
  if (parentRebuilt) return "parent-rebuilt";
  return undefined;
}
