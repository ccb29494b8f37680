// `tar -C dir -c . | docker import - name` without the docker CLI: GNU tar's stream goes straight
// into the Engine API's image import.
import { spawn } from "node:child_process";
import type Dockerode from "dockerode";
import { LineSplitter, LineTail } from "../engine/output-lines";
import { ImageBuildFailedError } from "../errors";
import { readEngineMessages } from "./engine-messages";
import { inspectImage } from "./image-status";

export interface ImportFolderOptions {
  /** `repo:tag` of the new image. */
  name: string;
  /** Dockerfile instructions applied on import (`LABEL`, `CMD`, `ENV` ...). */
  changes: string[];
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** Imports `dir` as the root of a new single-layer image; returns its id. */
export async function importTarOfFolder(docker: Dockerode, dir: string, options: ImportFolderOptions): Promise<string> {
  const { repo, tag } = splitImageName(options.name);
  const tail = new LineTail();
  const tar = spawn("tar", ["--numeric-owner", "--one-file-system", "-C", dir, "-c", "."], {
    stdio: ["ignore", "pipe", "pipe"],
    signal: options.signal,
  });
  const tarErrors = new LineSplitter((line) => {
    tail.add(line);
    options.onLine?.(line);
  });
  tar.stderr.on("data", (chunk: Buffer) => tarErrors.push(chunk));
  const tarExit = new Promise<number>((resolve, reject) => {
    tar.on("error", reject);
    tar.on("close", (code) => resolve(code ?? 1));
  });

  let engineError: string | undefined;
  try {
    const response = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: options.changes,
      abortSignal: options.signal,
    });
    await readEngineMessages(
      response,
      (message) => {
        if (message.error) engineError = message.errorDetail?.message ?? message.error;
        else if (message.status) tail.add(message.status);
      },
      options.signal,
    );
  } catch (cause) {
    tar.kill();
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ImageBuildFailedError(options.name, "the engine refused the import", tail.snapshot(), { cause });
  }
  const exitCode = await tarExit;
  tarErrors.flush();
  if (engineError) throw new ImageBuildFailedError(options.name, engineError, tail.snapshot());
  if (exitCode !== 0)
    throw new ImageBuildFailedError(options.name, `tar exited with code ${exitCode}`, tail.snapshot());
  const imported = await inspectImage(docker, options.name);
  if (!imported)
    throw new ImageBuildFailedError(options.name, "the import finished but the image is not there", tail.snapshot());
  return imported.Id;
}

/** `circus/rootfs:bookworm` → repo `circus/rootfs`, tag `bookworm` (a port in a registry host is not a tag). */
export function splitImageName(name: string): { repo: string; tag: string } {
  const colon = name.lastIndexOf(":");
  if (colon <= name.lastIndexOf("/")) return { repo: name, tag: "latest" };
  return { repo: name.slice(0, colon), tag: name.slice(colon + 1) };
}
