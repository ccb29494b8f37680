// Checkpoints on Swarm, so that a saved lab resumes on any node: each host is committed on the node that
// runs it (over that node's mutual-TLS engine) and pushed by that node to the Swarm's registry, which is
// the record (a node may be gone when the learner resumes). A host recreated from `circus-checkpoint:<tag>`
// pulls REGISTRY/circus-checkpoint:<tag> wherever Swarm places it. Removing one untags it on every ready
// node and deletes its manifest from the registry (which must allow deletes, see sandbox/README.md).
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import type { CheckpointImages } from "../checkpoints/checkpoint-images";
import {
  CHECKPOINT_LABEL,
  CHECKPOINT_REPOSITORY,
  type Checkpoint,
  type CheckpointImageRecord,
  type CheckpointKey,
  checkpointImageLabels,
  checkpointLabelChanges,
  checkpointTag,
  groupCheckpointImages,
  type HostCheckpoint,
} from "../checkpoints/checkpoint-labels";
import { type CheckpointStore, createBoundedCheckpointStore } from "../checkpoints/checkpoint-store";
import { callEngine, engineMessageOf, engineStatusOf } from "../environments/engine-failures";
import { labelFilters } from "../environments/labels";
import { readEngineMessages } from "../images/engine-messages";
import { parseRegistry } from "../images/push-images";
import { type CheckpointRegistry, connectCheckpointRegistry } from "./checkpoint-registry";
import { hostServiceName } from "./host-service";
import { locateHost, NodeEngines, type SwarmNode } from "./host-tasks";
import type { EngineTls } from "./node-engines";
import { ImagePushFailedError } from "./swarm-errors";

export interface SwarmCheckpointStoreOptions {
  /** The engine of a Swarm manager (finds where each host runs, and the ready nodes). */
  manager: Dockerode;
  /** The CA and client certificate that open every node's engine (node label circus.engine). */
  tls: EngineTls;
  /** The registry the nodes push to and pull from (HOST:PORT), the Swarm backend's `registry`. */
  registry: string;
  /** Where this server reaches the registry's HTTP API. Default `http://REGISTRY`. */
  registryUrl?: string;
  /** The runtime's scope labels: put on every checkpoint image; list, remove and reap see only those. Default {}. */
  scopeLabels?: Record<string, string>;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Most checkpoints one owner keeps. Default 20. */
  maxPerOwner?: number;
  /** Most bytes one owner's checkpoints take (their own layers as pushed, compressed). Default 2 GiB. */
  maxBytesPerOwner?: number;
  /** Called before each checkpoint; throwing refuses it. */
  beforeTake?: () => Promise<void>;
}

/** What a Swarm checkpoint commits: an environment's id and its hosts (a SwarmEnvironment or an engine Environment). */
export interface CheckpointedSwarmEnvironment {
  id: string;
  hosts: ReadonlyArray<string | { name: string }>;
}

/**
 * The checkpoint store of a Swarm, with the same interface as the single engine's `createCheckpointStore`.
 * Rewind a host with `recreateSwarmHosts` (recreate-swarm-hosts.ts); resume by creating an environment whose
 * hosts' `startImage` is the checkpoint's `host.image` (the Swarm backend pulls it from the registry).
 *
 * ```ts
 * const checkpoints = createSwarmCheckpointStore({ manager, tls, registry: "10.0.0.5:5000", scopeLabels });
 * const saved = await checkpoints.take(environment, { owner: run.id, step: 2, kind: "saved" });
 * ```
 */
export function createSwarmCheckpointStore(
  options: SwarmCheckpointStoreOptions,
): CheckpointStore<CheckpointedSwarmEnvironment> {
  const logger = options.logger ?? pino({ level: "silent" });
  return createBoundedCheckpointStore(createSwarmCheckpointImages(options, logger), {
    logger,
    ...(options.maxPerOwner === undefined ? {} : { maxPerOwner: options.maxPerOwner }),
    ...(options.maxBytesPerOwner === undefined ? {} : { maxBytesPerOwner: options.maxBytesPerOwner }),
    ...(options.beforeTake === undefined ? {} : { beforeTake: options.beforeTake }),
  });
}

/** Registry lookups run this many at a time while listing. */
const LIST_CONCURRENCY = 8;

function createSwarmCheckpointImages(
  options: SwarmCheckpointStoreOptions,
  logger: Logger,
): CheckpointImages<CheckpointedSwarmEnvironment> {
  const { manager } = options;
  const registryAddress = parseRegistry(options.registry);
  const registry = connectCheckpointRegistry(options.registryUrl ?? `http://${registryAddress}`);
  const scopeLabels = options.scopeLabels ?? {};
  const engines = new NodeEngines(options.tls);
  /** `circus-checkpoint:<tag>` as the nodes name it. */
  const onNodes = (image: string) => `${registryAddress}/${image}`;
  let refusedDeletes = false;

  const readyNodeEngines = async (): Promise<Array<{ node: string; docker: Dockerode }>> => {
    const nodes = (await callEngine(() => manager.listNodes())) as SwarmNode[];
    return nodes
      .filter((node) => node.Status.State === "ready")
      .map((node) => ({ node: node.Description?.Hostname ?? node.ID, docker: engines.of(node) }));
  };

  const commitHost = async (
    environment: CheckpointedSwarmEnvironment,
    hostName: string,
    key: CheckpointKey,
    takenAt: Date,
  ): Promise<HostCheckpoint> => {
    const placement = await locateHost(
      manager,
      engines,
      environment.id,
      hostName,
      hostServiceName(environment.id, hostName),
    );
    const tag = checkpointTag(key, hostName);
    const repository = onNodes(CHECKPOINT_REPOSITORY);
    const labels = checkpointImageLabels(key, hostName, takenAt, scopeLabels);
    await callEngine(() =>
      placement.docker
        .getContainer(placement.containerId)
        .commit({ repo: repository, tag, pause: false, changes: checkpointLabelChanges(labels) }),
    );
    await pushFromNode(placement.docker, `${repository}:${tag}`, registryAddress);
    const record = await readRecord(registry, tag);
    if (!record)
      throw new ImagePushFailedError(`${repository}:${tag}`, registryAddress, "the registry does not list it");
    return { name: hostName, image: record.image, sizeBytes: record.sizeBytes };
  };

  const listRecords = async (labels: Record<string, string>): Promise<CheckpointImageRecord[]> => {
    const wanted = { ...scopeLabels, ...labels };
    const tags = await registry.tags(CHECKPOINT_REPOSITORY);
    const records: CheckpointImageRecord[] = [];
    for (let index = 0; index < tags.length; index += LIST_CONCURRENCY) {
      const batch = await Promise.all(
        tags.slice(index, index + LIST_CONCURRENCY).map((tag) => readRecord(registry, tag)),
      );
      for (const record of batch) {
        if (record && Object.entries(wanted).every(([name, value]) => record.labels[name] === value)) {
          records.push(record);
        }
      }
    }
    return records;
  };

  const untagOnNodes = async (image: string): Promise<void> => {
    await Promise.all((await readyNodeEngines()).map(({ docker }) => removeNodeImage(docker, onNodes(image), true)));
  };

  const removeCheckpoint = async (checkpoint: Checkpoint): Promise<void> => {
    for (const host of checkpoint.hosts) {
      await untagOnNodes(host.image);
      const manifest = await registry.manifest(CHECKPOINT_REPOSITORY, tagOf(host.image));
      if (!manifest) continue;
      const outcome = await registry.deleteManifest(CHECKPOINT_REPOSITORY, manifest.digest);
      if (outcome === "refused" && !refusedDeletes) {
        refusedDeletes = true;
        logger.warn(
          { registry: registry.url },
          "the registry refuses deletes: removed checkpoints stay in it and are listed again; set REGISTRY_STORAGE_DELETE_ENABLED=true on the registry",
        );
      }
    }
  };

  return {
    async commit(environment, key) {
      const takenAt = new Date();
      const results = await Promise.allSettled(
        environment.hosts.map((host) =>
          commitHost(environment, typeof host === "string" ? host : host.name, key, takenAt),
        ),
      );
      const hosts = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      const checkpoint = { ...key, takenAt, hosts, sizeBytes: hosts.reduce((sum, host) => sum + host.sizeBytes, 0) };
      const failure = results.find((result) => result.status === "rejected");
      if (failure) {
        // Half a checkpoint is no checkpoint: what the other hosts pushed goes too.
        await removeCheckpoint(checkpoint).catch((error: unknown) =>
          logger.warn({ err: error, owner: key.owner }, "could not remove a partly taken checkpoint"),
        );
        throw failure.reason;
      }
      return checkpoint;
    },

    list: async (labels) => groupCheckpointImages(await listRecords(labels)),

    removeCheckpoint,

    async removeLeftovers(labels) {
      // Node images of the scope that the registry no longer lists (removed while the node was down, or
      // untagged while a host still ran from them).
      const live = new Set((await listRecords(labels)).map((record) => onNodes(record.image)));
      const filters = { label: [CHECKPOINT_LABEL.owner, ...labelFilters({ ...scopeLabels, ...labels })] };
      let count = 0;
      for (const { node, docker } of await readyNodeEngines()) {
        const before = count;
        const images = await callEngine(() => docker.listImages({ filters }));
        for (const image of images) {
          const tags = (image.RepoTags ?? []).filter((tag) => tag.startsWith(`${onNodes(CHECKPOINT_REPOSITORY)}:`));
          const stale = tags.filter((tag) => !live.has(tag));
          if (tags.length === 0) {
            if (await removeNodeImage(docker, image.Id, false)) count += 1;
          } else {
            for (const tag of stale) if (await removeNodeImage(docker, tag, true)) count += 1;
          }
        }
        if (count > before)
          logger.info({ node, count: count - before }, "removed leftover checkpoint images from a node");
      }
      return count;
    },

    async hasImage(image) {
      if (!image.startsWith(`${CHECKPOINT_REPOSITORY}:`) && !image.startsWith(onNodes(`${CHECKPOINT_REPOSITORY}:`))) {
        return false;
      }
      return (await registry.manifest(CHECKPOINT_REPOSITORY, tagOf(image))) !== undefined;
    },
  };
}

/** The tag of `circus-checkpoint:<tag>` (or REGISTRY/circus-checkpoint:<tag>). */
function tagOf(image: string): string {
  return image.slice(image.lastIndexOf(":") + 1);
}

/** One pushed checkpoint image: its labels from its config, its own (last, compressed) layer's bytes. */
async function readRecord(registry: CheckpointRegistry, tag: string): Promise<CheckpointImageRecord | undefined> {
  const manifest = await registry.manifest(CHECKPOINT_REPOSITORY, tag);
  if (!manifest) return undefined;
  const labels = await registry.labels(CHECKPOINT_REPOSITORY, manifest.configDigest);
  return { image: `${CHECKPOINT_REPOSITORY}:${tag}`, labels, sizeBytes: manifest.layerSizes.at(-1) ?? 0 };
}

/** The node's engine pushes the image to the registry (layers the registry has are not sent again). */
async function pushFromNode(docker: Dockerode, image: string, registry: string): Promise<void> {
  try {
    const stream = await callEngine(() => docker.getImage(image).push({ authconfig: {} }));
    let failure: string | undefined;
    await readEngineMessages(stream, (message) => {
      if (message.error) failure = message.errorDetail?.message ?? message.error;
    });
    if (failure) throw new ImagePushFailedError(image, registry, failure);
  } catch (error) {
    if (error instanceof ImagePushFailedError) throw error;
    throw new ImagePushFailedError(image, registry, engineMessageOf(error), { cause: error });
  }
}

/** Removes an image from a node by tag (`force`: untag even while a container uses it) or id; false when gone or in use. */
async function removeNodeImage(docker: Dockerode, reference: string, force: boolean): Promise<boolean> {
  try {
    await callEngine(() => docker.getImage(reference).remove({ force }));
    return true;
  } catch (error) {
    const status = engineStatusOf(error);
    if (status === 404 || status === 409) return false;
    throw error;
  }
}
