// Publishing sandbox images to a registry every Swarm node pulls from (`npm run images -- --push
// REGISTRY`): each image is tagged REGISTRY/<name>, pushed by the engine, and the extra tag removed.
import type Dockerode from "dockerode";
import { callEngine, engineMessageOf } from "../environments/engine-failures";
import { ImagePushFailedError, InvalidRegistryError } from "../swarm/swarm-errors";
import { readEngineMessages } from "./engine-messages";
import type { ManifestImage } from "./images-manifest";

/** The image every learner host descends from: what `--push` publishes is it and its descendants. */
export const SANDBOX_ROOT_IMAGE = "circus/base:latest";

const REGISTRY_ADDRESS = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;

export interface PushImagesOptions {
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** `circus/base:latest` in `10.0.0.5:5000` is `10.0.0.5:5000/circus/base:latest`. */
export function imageInRegistry(registry: string, image: string): string {
  return `${parseRegistry(registry)}/${image}`;
}

/** Validates a registry address (HOST or HOST:PORT). */
export function parseRegistry(registry: string): string {
  if (!REGISTRY_ADDRESS.test(registry)) throw new InvalidRegistryError(registry);
  return registry;
}

/** The learner-host images of the manifest: circus/base and every image built on it. */
export function sandboxImages(images: readonly ManifestImage[]): string[] {
  const parentOf = new Map(images.map((image) => [image.name, image.kind === "dockerfile" ? image.parent : undefined]));
  const descends = (name: string | undefined): boolean =>
    name !== undefined && (name === SANDBOX_ROOT_IMAGE || descends(parentOf.get(name)));
  return images.filter((image) => descends(image.name)).map((image) => image.name);
}

/** Pushes each image to the registry under its own name; layers the registry has are not sent again. */
export async function pushImages(
  docker: Dockerode,
  registry: string,
  images: readonly string[],
  options: PushImagesOptions = {},
): Promise<string[]> {
  const say = options.onProgress ?? (() => {});
  const pushed: string[] = [];
  for (const image of images) {
    options.signal?.throwIfAborted();
    const target = imageInRegistry(registry, image);
    await pushOne(docker, image, target, registry, options.signal);
    say(`✓ pushed ${image} to ${target}`);
    pushed.push(target);
  }
  return pushed;
}

async function pushOne(
  docker: Dockerode,
  image: string,
  target: string,
  registry: string,
  signal?: AbortSignal,
): Promise<void> {
  const tagAt = target.lastIndexOf(":");
  const [repo, tag] =
    tagAt > target.lastIndexOf("/") ? [target.slice(0, tagAt), target.slice(tagAt + 1)] : [target, "latest"];
  try {
    await callEngine(() => docker.getImage(image).tag({ repo, tag }));
    const stream = await callEngine(() => docker.getImage(`${repo}:${tag}`).push({ authconfig: {} }));
    let failure: string | undefined;
    await readEngineMessages(
      stream,
      (message) => {
        if (message.error) failure = message.errorDetail?.message ?? message.error;
      },
      signal,
    );
    if (failure) throw new ImagePushFailedError(image, registry, failure);
  } catch (error) {
    if (error instanceof ImagePushFailedError) throw error;
    throw new ImagePushFailedError(image, registry, engineMessageOf(error), { cause: error });
  } finally {
    // Only the registry tag goes; the image keeps its own name.
    await docker
      .getImage(`${repo}:${tag}`)
      .remove({ noprune: true })
      .catch(() => {});
  }
}
