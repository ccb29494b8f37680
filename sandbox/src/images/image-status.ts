// Which sandbox images are on the engine and whether each is up to date with its content hash.
import type Dockerode from "dockerode";
import { CONTENT_HASH_LABEL, computeContentHashes } from "./image-hashes";
import { DEFAULT_IMAGES_DIR, type ImagesManifest, loadImagesManifest } from "./images-manifest";

export interface ImageStatus {
  name: string;
  kind: "rootfs" | "dockerfile";
  parent?: string;
  /** The hash the image would have if it were built now. */
  contentHash: string;
  present: boolean;
  /** The hash label of the image on the engine; undefined when absent or not built by Circus. */
  builtContentHash?: string;
  upToDate: boolean;
  imageId?: string;
  createdAt?: string;
  sizeBytes?: number;
}

export interface ImageStatusOptions {
  /** Folder of images.json. Default: the repository's `docker/`. */
  imagesDir?: string;
  /** An already loaded manifest (wins over imagesDir). */
  manifest?: ImagesManifest;
}

export async function imageStatus(docker: Dockerode, options: ImageStatusOptions = {}): Promise<ImageStatus[]> {
  const manifest = options.manifest ?? (await loadImagesManifest(options.imagesDir ?? DEFAULT_IMAGES_DIR));
  const hashes = await computeContentHashes(manifest);
  return Promise.all(
    manifest.images.map(async (image): Promise<ImageStatus> => {
      const contentHash = hashes.get(image.name)!;
      const base = {
        name: image.name,
        kind: image.kind,
        contentHash,
        ...(image.kind === "dockerfile" ? { parent: image.parent } : {}),
      };
      const inspected = await inspectImage(docker, image.name);
      if (!inspected) return { ...base, present: false, upToDate: false };
      const builtContentHash = inspected.Config?.Labels?.[CONTENT_HASH_LABEL];
      return {
        ...base,
        present: true,
        ...(builtContentHash ? { builtContentHash } : {}),
        upToDate: builtContentHash === contentHash,
        imageId: inspected.Id,
        createdAt: inspected.Created,
        sizeBytes: inspected.Size,
      };
    }),
  );
}

/** The image's inspect data, or undefined when the engine does not have it. */
export async function inspectImage(docker: Dockerode, name: string): Promise<Dockerode.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
