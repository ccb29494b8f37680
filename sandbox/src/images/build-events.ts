// The progress events of an image build, for a CLI or a UI to show as they come.
import type { HostSetupEvent } from "../engine/host-packages";

/** Why an image is (re)built. */
export type BuildReason = "missing" | "not-built-by-circus" | "changed" | "forced" | "parent-rebuilt";

export type ImageBuildEvent =
  /** What the run will do, before it does anything. */
  | { type: "plan"; images: { name: string; action: "cached" | "build"; reason?: BuildReason }[] }
  | { type: "cached"; image: string; contentHash: string }
  | { type: "build-started"; image: string; contentHash: string; reason: BuildReason }
  /** A step of the build: a Dockerfile step (`Step 2/5 : RUN ...`) or a phase of the root filesystem build. */
  | { type: "step"; image: string; message: string }
  /** A line of output of the current step (the builder's, debootstrap's or tar's). */
  | { type: "output"; image: string; line: string }
  | { type: "built"; image: string; imageId: string; contentHash: string; durationMs: number }
  /** The image a rebuild replaced was removed, or kept because something still uses it. */
  | { type: "superseded"; image: string; imageId: string; removed: boolean; detail?: string }
  /** Preparing the host (installing debootstrap). */
  | { type: "host"; event: HostSetupEvent };

export type ImageBuildListener = (event: ImageBuildEvent) => void;
