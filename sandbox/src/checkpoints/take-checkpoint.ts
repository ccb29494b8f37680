// Taking one checkpoint on one engine: each host's container is committed to an image, labelled with its
// owner, step and host, and its own layer measured. The container is not paused: a paused one refuses every
// exec (the next Check, a step's setup) and freezes the learner's shell, while a file written during the
// commit is rare right after a Check passed and at worst is caught half-written.
import type Dockerode from "dockerode";
import { callEngine } from "../environments/engine-failures";
import type { Environment } from "../environments/environment";
import {
  CHECKPOINT_REPOSITORY,
  type Checkpoint,
  type CheckpointKey,
  checkpointImageLabels,
  checkpointLabelChanges,
  checkpointTag,
  type HostCheckpoint,
} from "./checkpoint-labels";

export interface TakeCheckpointInput {
  docker: Dockerode;
  environment: Environment;
  key: CheckpointKey;
  /** The runtime's scope labels (e.g. `circus.scope`, `circus.test`), put on every image. */
  scopeLabels: Record<string, string>;
}

export async function takeCheckpoint(input: TakeCheckpointInput): Promise<Checkpoint> {
  const { docker, environment, key } = input;
  const takenAt = new Date();
  const hosts = await Promise.all(
    environment.hosts.map(async (host): Promise<HostCheckpoint> => {
      const tag = checkpointTag(key, host.name);
      const labels = checkpointImageLabels(key, host.name, takenAt, input.scopeLabels);
      const container = docker.getContainer(host.containerId);
      const parentImage = (await callEngine(() => container.inspect())).Image;
      await callEngine(() =>
        container.commit({
          repo: CHECKPOINT_REPOSITORY,
          tag,
          pause: false,
          changes: checkpointLabelChanges(labels),
        }),
      );
      const image = `${CHECKPOINT_REPOSITORY}:${tag}`;
      return { name: host.name, image, sizeBytes: await layerBytes(docker, image, parentImage) };
    }),
  );
  return { ...key, takenAt, hosts, sizeBytes: hosts.reduce((sum, host) => sum + host.sizeBytes, 0) };
}

/** What an image adds to its parent: the engine reports whole-image sizes only. */
export async function layerBytes(docker: Dockerode, image: string, parentImage: string): Promise<number> {
  const [committed, parent] = await Promise.all([
    callEngine(() => docker.getImage(image).inspect()),
    callEngine(() => docker.getImage(parentImage).inspect()),
  ]);
  return Math.max(0, committed.Size - parent.Size);
}
