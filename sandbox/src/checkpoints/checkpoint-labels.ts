// How a checkpoint is found on the engine: every checkpoint image carries these labels (plus the
// runtime's scope labels), so the images themselves are the record and survive a server restart.
import { createHash } from "node:crypto";
import { CONTENT_HASH_LABEL, IMAGE_LABEL } from "../images/image-hashes";

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

export interface HostCheckpoint {
  name: string;
  /** `circus-checkpoint:<tag>`: what a host is recreated from (on Swarm, pulled as REGISTRY/circus-checkpoint:<tag>). */
  image: string;
  /** Bytes of the host's own layer (what the checkpoint adds on top of the image it ran from). */
  sizeBytes: number;
}

export interface Checkpoint extends CheckpointKey {
  takenAt: Date;
  hosts: HostCheckpoint[];
  sizeBytes: number;
}

/** The labels of one host's checkpoint image: the runtime's scope labels plus who, which step and which host. */
export function checkpointImageLabels(
  key: CheckpointKey,
  hostName: string,
  takenAt: Date,
  scopeLabels: Record<string, string>,
): Record<string, string> {
  return {
    ...scopeLabels,
    // The committed image inherits its parent's labels: these would make it look like a built image.
    [IMAGE_LABEL]: "checkpoint",
    [CONTENT_HASH_LABEL]: "",
    [CHECKPOINT_LABEL.owner]: key.owner,
    [CHECKPOINT_LABEL.step]: String(key.step),
    [CHECKPOINT_LABEL.kind]: key.kind,
    [CHECKPOINT_LABEL.host]: hostName,
    [CHECKPOINT_LABEL.takenAt]: takenAt.toISOString(),
  };
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

/** One host's checkpoint image as a store lists it: its reference, its labels and its own layer's bytes. */
export interface CheckpointImageRecord {
  image: string;
  labels: Record<string, string>;
  sizeBytes: number;
}

/** Groups checkpoint images into checkpoints (step ones by step, then saved ones); images without valid labels are skipped. */
export function groupCheckpointImages(records: readonly CheckpointImageRecord[]): Checkpoint[] {
  const groups = new Map<string, Checkpoint>();
  for (const record of records) {
    const owner = record.labels[CHECKPOINT_LABEL.owner];
    const kind = record.labels[CHECKPOINT_LABEL.kind];
    const step = Number(record.labels[CHECKPOINT_LABEL.step]);
    const hostName = record.labels[CHECKPOINT_LABEL.host];
    const takenAt = new Date(record.labels[CHECKPOINT_LABEL.takenAt] ?? "");
    if (!owner || (kind !== "step" && kind !== "saved") || !Number.isInteger(step) || !hostName) continue;
    const host: HostCheckpoint = { name: hostName, image: record.image, sizeBytes: record.sizeBytes };
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
  return checkpoints;
}
