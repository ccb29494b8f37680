// The checkpoints of one runtime's scope: taken in the background (never on a Check's path), one at a
// time per owner, one per owner/kind/step (a newer one replaces it), bounded per owner in number and
// bytes (oldest step checkpoints go first), and removed with their owner or by the reaper.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import type { Environment } from "../environments/environment";
import { labelFilters } from "../environments/labels";
import { CheckpointTooLargeError } from "../errors";
import { CHECKPOINT_LABEL, CHECKPOINT_REPOSITORY, type CheckpointKey, type CheckpointKind } from "./checkpoint-labels";
import { type Checkpoint, type HostCheckpoint, takeCheckpoint } from "./take-checkpoint";

export interface CheckpointStoreOptions {
  docker: Dockerode;
  logger: Logger;
  /** The runtime's scope labels: put on every checkpoint image, and the reaper touches only images that carry them. Default {}. */
  scopeLabels?: Record<string, string>;
  /** Most checkpoints one owner keeps (a saved one counts too); beyond it the oldest step checkpoint goes. Default 20. */
  maxPerOwner?: number;
  /** Most bytes one owner's checkpoints take (their own layers); beyond it the oldest step checkpoints go. Default 2 GiB. */
  maxBytesPerOwner?: number;
  /** Called before each checkpoint; throwing refuses it (e.g. the runtime's free-disk reserve). */
  beforeTake?: () => Promise<void>;
}

export interface CheckpointStore {
  /** Commits every host of `environment` now; waits for the owner's earlier takes first. */
  take(environment: Environment, key: CheckpointKey): Promise<Checkpoint>;
  /** `take` in the background: returns at once, failures are logged (a lab goes on without its checkpoint). */
  schedule(environment: Environment, key: CheckpointKey): void;
  /** Resolves when the owner's scheduled takes have finished (rewinding waits for them). */
  settled(owner: string): Promise<void>;
  /** The owner's checkpoints on the engine, by kind then step. */
  list(owner: string): Promise<Checkpoint[]>;
  /** The step checkpoint with the highest step below `step`: what "rewind to the start of `step`" starts from. */
  latestBefore(owner: string, step: number): Promise<Checkpoint | undefined>;
  /** Removes the owner's checkpoints (only those of `kind`, from step `fromStep` on, when given); returns how many. */
  remove(owner: string, filter?: { kind?: CheckpointKind; fromStep?: number }): Promise<number>;
  /** Whether the engine still holds `image` (a checkpoint's image may have been removed by hand). */
  hasImage(image: string): Promise<boolean>;
  /** Removes checkpoint images of this scope whose owner `keep` refuses, and untagged leftovers; returns how many. */
  reap(keep: (owner: string) => boolean | Promise<boolean>): Promise<number>;
}

const DEFAULT_MAX_PER_OWNER = 20;
const DEFAULT_MAX_BYTES_PER_OWNER = 2 * 1024 ** 3;

export function createCheckpointStore(options: CheckpointStoreOptions): CheckpointStore {
  return new EngineCheckpointStore(options);
}

class EngineCheckpointStore implements CheckpointStore {
  /** The last take of each owner (takes of one owner run one after another). */
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #docker: Dockerode;
  readonly #logger: Logger;
  readonly #scopeLabels: Record<string, string>;
  readonly #maxPerOwner: number;
  readonly #maxBytesPerOwner: number;

  constructor(private readonly options: CheckpointStoreOptions) {
    this.#docker = options.docker;
    this.#logger = options.logger;
    this.#scopeLabels = options.scopeLabels ?? {};
    this.#maxPerOwner = options.maxPerOwner ?? DEFAULT_MAX_PER_OWNER;
    this.#maxBytesPerOwner = options.maxBytesPerOwner ?? DEFAULT_MAX_BYTES_PER_OWNER;
  }

  take(environment: Environment, key: CheckpointKey): Promise<Checkpoint> {
    const previous = this.#queues.get(key.owner) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#takeNow(environment, key));
    const tracked = next.catch(() => undefined);
    this.#queues.set(key.owner, tracked);
    void tracked.then(() => {
      if (this.#queues.get(key.owner) === tracked) this.#queues.delete(key.owner);
    });
    return next;
  }

  schedule(environment: Environment, key: CheckpointKey): void {
    this.take(environment, key).catch((error: unknown) => {
      this.#logger.warn({ err: error, owner: key.owner, step: key.step, kind: key.kind }, "checkpoint not taken");
    });
  }

  async settled(owner: string): Promise<void> {
    await this.#queues.get(owner);
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.#docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (engineStatusOf(error) === 404) return false;
      throw error;
    }
  }

  async list(owner: string): Promise<Checkpoint[]> {
    return (await this.#listImages({ [CHECKPOINT_LABEL.owner]: owner })).checkpoints;
  }

  async latestBefore(owner: string, step: number): Promise<Checkpoint | undefined> {
    const candidates = (await this.list(owner)).filter((each) => each.kind === "step" && each.step < step);
    return candidates.at(-1);
  }

  async remove(owner: string, filter: { kind?: CheckpointKind; fromStep?: number } = {}): Promise<number> {
    await this.settled(owner);
    const { checkpoints, untagged } = await this.#listImages({ [CHECKPOINT_LABEL.owner]: owner });
    const removed = checkpoints.filter(
      (each) =>
        (filter.kind === undefined || each.kind === filter.kind) &&
        (filter.fromStep === undefined || each.step >= filter.fromStep),
    );
    for (const checkpoint of removed) await this.#removeCheckpoint(checkpoint);
    // Everything of the owner goes: also images untagged earlier that a host then still ran from.
    if (filter.kind === undefined && filter.fromStep === undefined) {
      for (const imageId of untagged) await this.#removeImage(imageId);
    }
    return removed.length;
  }

  async reap(keep: (owner: string) => boolean | Promise<boolean>): Promise<number> {
    const { checkpoints, untagged } = await this.#listImages({});
    let count = 0;
    for (const checkpoint of checkpoints) {
      if (await keep(checkpoint.owner)) continue;
      await this.#removeCheckpoint(checkpoint);
      count += 1;
    }
    // Images untagged while a container or a later checkpoint still used them: gone once nothing does.
    for (const imageId of untagged) if (await this.#removeImage(imageId)) count += 1;
    if (count > 0) this.#logger.info({ count }, "reaped checkpoint images");
    return count;
  }

  async #takeNow(environment: Environment, key: CheckpointKey): Promise<Checkpoint> {
    await this.options.beforeTake?.();
    const started = performance.now();
    const checkpoint = await takeCheckpoint({
      docker: this.#docker,
      environment,
      key,
      scopeLabels: this.#scopeLabels,
    });
    if (checkpoint.sizeBytes > this.#maxBytesPerOwner) {
      await this.#removeCheckpoint(checkpoint);
      throw new CheckpointTooLargeError(checkpoint.sizeBytes, this.#maxBytesPerOwner);
    }
    await this.#enforceBounds(key.owner, checkpoint);
    this.#logger.info(
      {
        owner: key.owner,
        step: key.step,
        kind: key.kind,
        bytes: checkpoint.sizeBytes,
        ms: Math.round(performance.now() - started),
      },
      "checkpoint taken",
    );
    return checkpoint;
  }

  /** Drops the owner's oldest step checkpoints (never `kept`) until its count and bytes fit. */
  async #enforceBounds(owner: string, kept: Checkpoint): Promise<void> {
    const all = await this.list(owner);
    const evictable = all.filter((each) => each.kind === "step" && !sameKey(each, kept));
    let count = all.length;
    let bytes = all.reduce((sum, each) => sum + each.sizeBytes, 0);
    for (const checkpoint of evictable) {
      if (count <= this.#maxPerOwner && bytes <= this.#maxBytesPerOwner) break;
      await this.#removeCheckpoint(checkpoint);
      count -= 1;
      bytes -= checkpoint.sizeBytes;
      this.#logger.info({ owner, step: checkpoint.step }, "dropped the oldest checkpoint to stay within the bound");
    }
  }

  async #removeCheckpoint(checkpoint: Checkpoint): Promise<void> {
    for (const host of checkpoint.hosts) await this.#removeImage(host.image);
  }

  /** Removes an image by tag or id; one still used (a container, a later checkpoint) is only untagged. */
  async #removeImage(reference: string): Promise<boolean> {
    try {
      await callEngine(() => this.#docker.getImage(reference).remove({ force: reference.includes(":") }));
      return true;
    } catch (error) {
      const status = engineStatusOf(error);
      if (status === 404 || status === 409) return false;
      throw error;
    }
  }

  /** The scope's checkpoint images matching `labels`, grouped into checkpoints, plus untagged leftovers. */
  async #listImages(labels: Record<string, string>): Promise<{ checkpoints: Checkpoint[]; untagged: string[] }> {
    const [images, everything] = await Promise.all([
      callEngine(() =>
        this.#docker.listImages({
          filters: { label: [CHECKPOINT_LABEL.owner, ...labelFilters({ ...this.#scopeLabels, ...labels })] },
        }),
      ),
      callEngine(() => this.#docker.listImages()),
    ]);
    const sizes = new Map(everything.map((image) => [image.Id, image.Size]));
    const groups = new Map<string, Checkpoint>();
    const untagged: string[] = [];
    for (const image of images) {
      const tag = (image.RepoTags ?? []).find((each) => each.startsWith(`${CHECKPOINT_REPOSITORY}:`));
      const imageLabels = image.Labels ?? {};
      const owner = imageLabels[CHECKPOINT_LABEL.owner];
      const kind = imageLabels[CHECKPOINT_LABEL.kind];
      const step = Number(imageLabels[CHECKPOINT_LABEL.step]);
      const hostName = imageLabels[CHECKPOINT_LABEL.host];
      const takenAt = new Date(imageLabels[CHECKPOINT_LABEL.takenAt] ?? "");
      if (!tag) {
        untagged.push(image.Id);
        continue;
      }
      if (!owner || (kind !== "step" && kind !== "saved") || !Number.isInteger(step) || !hostName) continue;
      const host: HostCheckpoint = {
        name: hostName,
        image: tag,
        sizeBytes: Math.max(0, image.Size - (sizes.get(image.ParentId) ?? image.Size)),
      };
      const id = JSON.stringify([owner, kind, step]);
      const group = groups.get(id);
      if (group) {
        group.hosts.push(host);
        group.sizeBytes += host.sizeBytes;
      } else {
        groups.set(id, { owner, kind, step, takenAt, hosts: [host], sizeBytes: host.sizeBytes });
      }
    }
    const checkpoints = [...groups.values()].sort((a, b) =>
      a.kind === b.kind ? a.step - b.step : a.kind === "step" ? -1 : 1,
    );
    for (const checkpoint of checkpoints) checkpoint.hosts.sort((a, b) => a.name.localeCompare(b.name));
    return { checkpoints, untagged };
  }
}

function sameKey(a: CheckpointKey, b: CheckpointKey): boolean {
  return a.owner === b.owner && a.kind === b.kind && a.step === b.step;
}
