// Where a checkpoint store's images live: one engine (engine-checkpoint-images.ts) or a Swarm's nodes
// and registry (src/swarm/swarm-checkpoints.ts). The store keeps the queue, bounds and reaping.
import type { Checkpoint, CheckpointKey } from "./checkpoint-labels";

/** Where a store's checkpoint images live and how they are made, listed and removed. */
export interface CheckpointImages<TEnvironment> {
  /** Commits every host of `environment` to labelled images (scope labels included). */
  commit(environment: TEnvironment, key: CheckpointKey): Promise<Checkpoint>;
  /** The scope's checkpoints whose images carry `labels` too. */
  list(labels: Record<string, string>): Promise<Checkpoint[]>;
  /** Removes (or, while a host still runs from it, untags) every host image of `checkpoint`. */
  removeCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Removes the scope's checkpoint images carrying `labels` that no checkpoint lists any more; returns how many. */
  removeLeftovers(labels: Record<string, string>): Promise<number>;
  hasImage(image: string): Promise<boolean>;
}
