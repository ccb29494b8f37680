// How a checkpoint is found on the engine: every checkpoint image carries these labels (plus the
// runtime's scope labels), so the images themselves are the record and survive a server restart.
import { createHash } from "node:crypto";

export const CHECKPOINT_REPOSITORY = "circus-checkpoint";

export const CHECKPOINT_LABEL = {
  owner: "circus.checkpoint.owner",
  step: "circus.checkpoint.step",
  host: "circus.checkpoint.host",
  kind: "circus.checkpoint.kind",
  takenAt: "circus.checkpoint.taken-at",
} as const;

/** `step`: taken when a step's checks passed; `saved`: taken when the learner saved and left. */
export type CheckpointKind = "step" | "saved";

export interface CheckpointKey {
  /** Who the checkpoint belongs to (the web app uses the run id). */
  owner: string;
  /** The step whose checks had passed (for `saved`: the step the learner was on). */
  step: number;
  kind: CheckpointKind;
}

/** The image tag of one host's checkpoint: a hash, since owners and host names may hold characters tags refuse. */
export function checkpointTag(key: CheckpointKey, hostName: string): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([key.owner, key.kind, key.step, hostName]))
    .digest("hex");
  return `c-${digest.slice(0, 32)}`;
}

/** Dockerfile LABEL instructions for `docker commit` (values JSON-quoted, as LABEL accepts). */
export function checkpointLabelChanges(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`);
}
