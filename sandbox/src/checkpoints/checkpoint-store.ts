// The checkpoints of one runtime's scope: taken in the background (never on a Check's path), one at a
// time per owner, one per owner/kind/step (a newer one replaces it), bounded per owner in number and
// bytes (oldest step checkpoints go first), and removed with their owner or by the reaper. Where the
// images live is the CheckpointImages given: one engine (here) or a Swarm's registry (src/swarm).
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import type { Environment } from "../environments/environment";
import { CheckpointTooLargeError } from "../errors";
import type { CheckpointImages } from "./checkpoint-images";
import { CHECKPOINT_LABEL, type Checkpoint, type CheckpointKey, type CheckpointKind } from "./checkpoint-labels";
import { createEngineCheckpointImages } from "./engine-checkpoint-images";

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

/** `TEnvironment`: what `take` commits (an engine Environment; on Swarm, anything with an id and host names). */
export interface CheckpointStore<TEnvironment = Environment> {
  /** Commits every host of `environment` now; waits for the owner's earlier takes first. */
  take(environment: TEnvironment, key: CheckpointKey): Promise<Checkpoint>;
  /** `take` in the background: returns at once, failures are logged (a lab goes on without its checkpoint). */
  schedule(environment: TEnvironment, key: CheckpointKey): void;
  /** Resolves when the owner's scheduled takes have finished (rewinding waits for them). */
  settled(owner: string): Promise<void>;
  /** The owner's checkpoints, by kind then step. */
  list(owner: string): Promise<Checkpoint[]>;
  /** The step checkpoint with the highest step below `step`: what "rewind to the start of `step`" starts from. */
  latestBefore(owner: string, step: number): Promise<Checkpoint | undefined>;
  /** Removes the owner's checkpoints (only those of `kind`, from step `fromStep` on, when given); returns how many. */
  remove(owner: string, filter?: { kind?: CheckpointKind; fromStep?: number }): Promise<number>;
  /** Whether `image` (a checkpoint host's image) can still be started from (it may have been removed by hand). */
  hasImage(image: string): Promise<boolean>;
  /** Removes checkpoint images of this scope whose owner `keep` refuses, and untagged leftovers; returns how many. */
  reap(keep: (owner: string) => boolean | Promise<boolean>): Promise<number>;
}

export interface BoundedCheckpointStoreOptions {
  logger: Logger;
  /** Default 20 (see CheckpointStoreOptions). */
  maxPerOwner?: number;
  /** Default 2 GiB (see CheckpointStoreOptions). */
  maxBytesPerOwner?: number;
  beforeTake?: () => Promise<void>;
}

const DEFAULT_MAX_PER_OWNER = 20;
const DEFAULT_MAX_BYTES_PER_OWNER = 2 * 1024 ** 3;

/** The checkpoint store of one engine: commits of its containers, tagged `circus-checkpoint:<tag>`. */
export function createCheckpointStore(options: CheckpointStoreOptions): CheckpointStore {
  return new BoundedCheckpointStore(
    createEngineCheckpointImages({ docker: options.docker, scopeLabels: options.scopeLabels ?? {} }),
    options,
  );
}

/** A store over any CheckpointImages: the per-owner queue, the bounds, remove and reap. */
export function createBoundedCheckpointStore<TEnvironment>(
  images: CheckpointImages<TEnvironment>,
  options: BoundedCheckpointStoreOptions,
): CheckpointStore<TEnvironment> {
  return new BoundedCheckpointStore(images, options);
}

class BoundedCheckpointStore<TEnvironment> implements CheckpointStore<TEnvironment> {
  /** The last take of each owner (takes of one owner run one after another). */
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #logger: Logger;
  readonly #maxPerOwner: number;
  readonly #maxBytesPerOwner: number;

  constructor(
    private readonly images: CheckpointImages<TEnvironment>,
    private readonly options: BoundedCheckpointStoreOptions,
  ) {
    this.#logger = options.logger;
    this.#maxPerOwner = options.maxPerOwner ?? DEFAULT_MAX_PER_OWNER;
    this.#maxBytesPerOwner = options.maxBytesPerOwner ?? DEFAULT_MAX_BYTES_PER_OWNER;
  }

  take(environment: TEnvironment, key: CheckpointKey): Promise<Checkpoint> {
    const previous = this.#queues.get(key.owner) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#takeNow(environment, key));
    const tracked = next.catch(() => undefined);
    this.#queues.set(key.owner, tracked);
    void tracked.then(() => {
      if (this.#queues.get(key.owner) === tracked) this.#queues.delete(key.owner);
    });
    return next;
  }

  schedule(environment: TEnvironment, key: CheckpointKey): void {
    this.take(environment, key).catch((error: unknown) => {
      this.#logger.warn({ err: error, owner: key.owner, step: key.step, kind: key.kind }, "checkpoint not taken");
    });
  }

  async settled(owner: string): Promise<void> {
    await this.#queues.get(owner);
  }

  hasImage(image: string): Promise<boolean> {
    return this.images.hasImage(image);
  }

  list(owner: string): Promise<Checkpoint[]> {
    return this.images.list({ [CHECKPOINT_LABEL.owner]: owner });
  }

  async latestBefore(owner: string, step: number): Promise<Checkpoint | undefined> {
    const candidates = (await this.list(owner)).filter((each) => each.kind === "step" && each.step < step);
    return candidates.at(-1);
  }

  async remove(owner: string, filter: { kind?: CheckpointKind; fromStep?: number } = {}): Promise<number> {
    await this.settled(owner);
    const removed = (await this.list(owner)).filter(
      (each) =>
        (filter.kind === undefined || each.kind === filter.kind) &&
        (filter.fromStep === undefined || each.step >= filter.fromStep),
    );
    for (const checkpoint of removed) await this.images.removeCheckpoint(checkpoint);
    // Everything of the owner goes: also images untagged earlier that a host then still ran from.
    if (filter.kind === undefined && filter.fromStep === undefined) {
      await this.images.removeLeftovers({ [CHECKPOINT_LABEL.owner]: owner });
    }
    return removed.length;
  }

  async reap(keep: (owner: string) => boolean | Promise<boolean>): Promise<number> {
    let count = 0;
    for (const checkpoint of await this.images.list({})) {
      if (await keep(checkpoint.owner)) continue;
      await this.images.removeCheckpoint(checkpoint);
      count += 1;
    }
    // Images untagged while a container or a later checkpoint still used them: gone once nothing does.
    count += await this.images.removeLeftovers({});
    if (count > 0) this.#logger.info({ count }, "reaped checkpoint images");
    return count;
  }

  async #takeNow(environment: TEnvironment, key: CheckpointKey): Promise<Checkpoint> {
    await this.options.beforeTake?.();
    const started = performance.now();
    const checkpoint = await this.images.commit(environment, key);
    if (checkpoint.sizeBytes > this.#maxBytesPerOwner) {
      await this.images.removeCheckpoint(checkpoint);
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
      await this.images.removeCheckpoint(checkpoint);
      count -= 1;
      bytes -= checkpoint.sizeBytes;
      this.#logger.info({ owner, step: checkpoint.step }, "dropped the oldest checkpoint to stay within the bound");
    }
  }
}

function sameKey(a: CheckpointKey, b: CheckpointKey): boolean {
  return a.owner === b.owner && a.kind === b.kind && a.step === b.step;
}
