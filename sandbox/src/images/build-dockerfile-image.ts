// Builds one Dockerfile image through the Engine API (classic builder; FROM a local parent, never
// pulled) and turns its message stream into step and output events.
import type Dockerode from "dockerode";
import { LineSplitter, LineTail } from "../engine/output-lines";
import { ImageBuildFailedError } from "../errors";
import { packBuildContext } from "./build-context";
import type { ImageBuildListener } from "./build-events";
import { readEngineMessages } from "./engine-messages";
import type { DockerfileImage } from "./images-manifest";

export interface BuildDockerfileImageOptions {
  /** Labels of the built image. */
  labels: Record<string, string>;
  onProgress: ImageBuildListener;
  signal?: AbortSignal;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ANSI_ESCAPES = /\u001b\[[0-9;]*m/g;

/** Returns the new image's id; a failing step throws ImageBuildFailedError with the last lines of the build. */
export async function buildDockerfileImage(
  docker: Dockerode,
  image: DockerfileImage,
  options: BuildDockerfileImageOptions,
): Promise<string> {
  const tail = new LineTail(30);
  const lines = new LineSplitter((raw) => {
    // the classic builder colours a RUN step's stderr; the colour codes mean nothing in a log
    const line = raw.replace(ANSI_ESCAPES, "");
    if (line.trim() === "") return;
    tail.add(line);
    if (/^Step \d+\/\d+ : /.test(line)) options.onProgress({ type: "step", image: image.name, message: line });
    else options.onProgress({ type: "output", image: image.name, line });
  });
  let imageId: string | undefined;
  let failure: string | undefined;
  try {
    const response = await docker.buildImage(packBuildContext(image.contextDir), {
      t: image.name,
      ...(image.target === undefined ? {} : { target: image.target }),
      labels: options.labels,
      rm: true,
      forcerm: true,
      version: "1",
      abortSignal: options.signal,
    });
    await readEngineMessages(
      response,
      (message) => {
        if (message.stream) lines.push(message.stream);
        if (message.aux?.ID) imageId = message.aux.ID;
        if (message.error) failure = message.errorDetail?.message ?? message.error;
      },
      options.signal,
    );
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason;
    lines.flush();
    throw new ImageBuildFailedError(image.name, "the engine stopped the build", tail.snapshot(), { cause });
  }
  lines.flush();
  if (failure) throw new ImageBuildFailedError(image.name, failure, tail.snapshot());
  if (!imageId) throw new ImageBuildFailedError(image.name, "the build ended without an image id", tail.snapshot());
  return imageId;
}
