// Circus's own settings for an engine it sets up (user-namespace remapping in daemon.json), the
// marker that says Circus owns that engine, and the switch of a running, owned engine to those
// settings: save the `circus/*` images, stop dockerd by its pid, write daemon.json, start it again,
// load the images into the remapped data root. Never done to an engine without the marker.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { EngineStartFailedError } from "../errors";

/** What Circus puts into daemon.json: container root becomes the unprivileged `dockremap` range. */
export const CIRCUS_DAEMON_SETTINGS = { "userns-remap": "default" } as const;

export const DEFAULT_DAEMON_CONFIG_FILE = "/etc/docker/daemon.json";
/** Present only on engines Circus set up (or was told to adopt with `--adopt-engine`). */
export const DEFAULT_ENGINE_MARKER_FILE = "/etc/docker/circus-engine.json";

export interface EngineSetupFiles {
  daemonConfigFile: string;
  markerFile: string;
}

export const DEFAULT_ENGINE_SETUP_FILES: EngineSetupFiles = {
  daemonConfigFile: DEFAULT_DAEMON_CONFIG_FILE,
  markerFile: DEFAULT_ENGINE_MARKER_FILE,
};

/**
 * Whether Circus owns the engine: its marker file exists, or (engines Circus started before the
 * marker existed) the running dockerd (`pid`) is a bare `dockerd` with no arguments and no
 * daemon.json, logging into a `.circus/dockerd.log`, which is exactly how ensureEngine starts it.
 */
export async function ownsEngine(files: EngineSetupFiles = DEFAULT_ENGINE_SETUP_FILES, pid?: number): Promise<boolean> {
  try {
    await readFile(files.markerFile, "utf8");
    return true;
  } catch {
    // no marker: maybe started by an earlier Circus
  }
  if (pid === undefined || !(await daemonConfigAbsent(files))) return false;
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter((arg) => arg !== "");
    // " (deleted)": the checkout that started it may be gone since; the log path still says who did.
    const stdout = (await readlink(`/proc/${pid}/fd/1`)).replace(/ \(deleted\)$/, "");
    return argv.length === 1 && basename(argv[0]!) === "dockerd" && stdout.endsWith("/.circus/dockerd.log");
  } catch {
    return false;
  }
}

/** Whether daemon.json is absent, so Circus may create it without overriding an operator's choices. */
export async function daemonConfigAbsent(files: EngineSetupFiles = DEFAULT_ENGINE_SETUP_FILES): Promise<boolean> {
  try {
    await readFile(files.daemonConfigFile, "utf8");
    return false;
  } catch {
    return true;
  }
}

/** Merges Circus's settings into daemon.json (other keys kept) and writes the ownership marker. */
export async function writeCircusEngineSettings(files: EngineSetupFiles = DEFAULT_ENGINE_SETUP_FILES): Promise<void> {
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(files.daemonConfigFile, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`${files.daemonConfigFile} is not valid JSON: fix or remove it, then start again`, {
        cause: error,
      });
    }
  }
  await mkdir(dirname(files.daemonConfigFile), { recursive: true });
  await writeFile(files.daemonConfigFile, `${JSON.stringify({ ...current, ...CIRCUS_DAEMON_SETTINGS }, null, 2)}\n`);
  await writeFile(
    files.markerFile,
    `${JSON.stringify({ managedBy: "circus", settings: CIRCUS_DAEMON_SETTINGS, at: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** Whether the engine runs with user-namespace remapping. */
export async function engineRemapsUsers(docker: Dockerode): Promise<boolean> {
  const info = (await docker.info()) as { SecurityOptions?: string[] };
  return (info.SecurityOptions ?? []).some((option) => option.startsWith("name=userns"));
}

export interface SwitchEngineInput {
  docker: Dockerode;
  files: EngineSetupFiles;
  /** The running dockerd's pid. */
  pid: number;
  /** Starts dockerd again and resolves once it answers. */
  start(): Promise<void>;
  /** Where the image archive is kept during the switch. */
  stateDir: string;
  report(message: string): void;
  /** How long dockerd may take to stop. Default 60 s. */
  stopTimeoutMs?: number;
}

/**
 * Switches a running engine that Circus owns to Circus's settings. Its containers stop (dockerd
 * restarts); the `circus/*` images are carried over with save | load, because a remapped engine has
 * a data root of its own (`<data-root>/<uid>.<gid>`) and would otherwise have to build them again.
 */
export async function switchEngineToCircusSettings(input: SwitchEngineInput): Promise<{ images: string[] }> {
  const { docker, report } = input;
  const images = ((await docker.listImages()) as { RepoTags?: string[] }[])
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => tag.startsWith("circus/"));
  const archive = join(input.stateDir, "engine-images.tar");
  await mkdir(input.stateDir, { recursive: true });
  if (images.length > 0) {
    report(`saving ${images.length} circus images to ${archive} (they move to the remapped data root)`);
    // GET /images/get?names=...: one archive, shared layers once (dockerode has it but does not type it).
    const getImages = (docker as unknown as { getImages(options: object): Promise<Readable> }).getImages;
    const stream = await getImages.call(docker, { names: images });
    await pipeline(stream, createWriteStream(archive));
  }
  report(`writing ${JSON.stringify(CIRCUS_DAEMON_SETTINGS)} into ${input.files.daemonConfigFile}`);
  await writeCircusEngineSettings(input.files);
  report(`stopping dockerd (pid ${input.pid}); its containers stop with it`);
  await stopProcess(input.pid, input.stopTimeoutMs ?? 60_000);
  report("starting dockerd with user-namespace remapping");
  await input.start();
  if (!(await engineRemapsUsers(docker))) {
    throw new EngineStartFailedError(
      "dockerd came back without user-namespace remapping",
      input.files.daemonConfigFile,
      [],
    );
  }
  if (images.length > 0) {
    report(`loading ${images.length} circus images into the remapped data root`);
    const output = (await docker.loadImage(createReadStream(archive), { quiet: true })) as Readable;
    let answer = "";
    for await (const chunk of output) answer += String(chunk);
    const failed = /"error(?:Detail)?":\s*("[^"]*"|\{[^}]*\})/.exec(answer);
    if (failed) {
      throw new EngineStartFailedError(
        `loading the circus images into the remapped engine failed: ${failed[1]} (the archive stays at ${archive}; \`docker load -i\` it, or run \`npm run images\`)`,
        input.files.daemonConfigFile,
        [],
      );
    }
    await rm(archive, { force: true });
  }
  return { images };
}

async function stopProcess(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return; // gone
    }
    await sleep(200);
  }
  throw new EngineStartFailedError(`dockerd (pid ${pid}) did not stop within ${timeoutMs} ms`, "dockerd", []);
}
