// Checkpoint images on one engine: commits tagged `circus-checkpoint:<tag>`, found again by their labels
// (the images are the record and survive a server restart), removed by tag; an image a container or a
// later commit still uses is only untagged, and removed as a leftover once nothing does.
import type Dockerode from "dockerode";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import type { Environment } from "../environments/environment";
import { labelFilters } from "../environments/labels";
import type { CheckpointImages } from "./checkpoint-images";
import { CHECKPOINT_LABEL, CHECKPOINT_REPOSITORY, type Checkpoint, groupCheckpointImages } from "./checkpoint-labels";
import { takeCheckpoint } from "./take-checkpoint";

export interface EngineCheckpointImagesInput {
  docker: Dockerode;
  scopeLabels: Record<string, string>;
}

export function createEngineCheckpointImages(input: EngineCheckpointImagesInput): CheckpointImages<Environment> {
  const { docker, scopeLabels } = input;

  /** Removes an image by tag or id; one still used (a container, a later checkpoint) is only untagged. */
  const removeImage = async (reference: string): Promise<boolean> => {
    try {
      await callEngine(() => docker.getImage(reference).remove({ force: reference.includes(":") }));
      return true;
    } catch (error) {
      const status = engineStatusOf(error);
      if (status === 404 || status === 409) return false;
      throw error;
    }
  };

  /** The scope's checkpoint images matching `labels`: tagged ones as checkpoints, plus untagged leftovers. */
  const listImages = async (
    labels: Record<string, string>,
  ): Promise<{ checkpoints: Checkpoint[]; untagged: string[] }> => {
    const [images, everything] = await Promise.all([
      callEngine(() =>
        docker.listImages({
          filters: { label: [CHECKPOINT_LABEL.owner, ...labelFilters({ ...scopeLabels, ...labels })] },
        }),
      ),
      callEngine(() => docker.listImages()),
    ]);
    const sizes = new Map(everything.map((image) => [image.Id, image.Size]));
    const untagged: string[] = [];
    const records = images.flatMap((image) => {
      const tag = (image.RepoTags ?? []).find((each) => each.startsWith(`${CHECKPOINT_REPOSITORY}:`));
      if (!tag) {
        untagged.push(image.Id);
        return [];
      }
      const sizeBytes = Math.max(0, image.Size - (sizes.get(image.ParentId) ?? image.Size));
      return [{ image: tag, labels: image.Labels ?? {}, sizeBytes }];
    });
    return { checkpoints: groupCheckpointImages(records), untagged };
  };

  return {
    commit: (environment, key) => takeCheckpoint({ docker, environment, key, scopeLabels }),
    list: async (labels) => (await listImages(labels)).checkpoints,
    async removeCheckpoint(checkpoint) {
      for (const host of checkpoint.hosts) await removeImage(host.image);
    },
    async removeLeftovers(labels) {
      let count = 0;
      for (const imageId of (await listImages(labels)).untagged) if (await removeImage(imageId)) count += 1;
      return count;
    },
    async hasImage(image) {
      try {
        await docker.getImage(image).inspect();
        return true;
      } catch (error) {
        if (engineStatusOf(error) === 404) return false;
        throw error;
      }
    },
  };
}
