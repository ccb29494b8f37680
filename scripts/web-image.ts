// `npx tsx scripts/web-image.ts [--force]` (also `npx tsx scripts/images.ts --only web`): builds circus/web
// (docker/web/Dockerfile) from a build context made here, with no registry: this machine's Node binary,
// the repository's tracked files, the production build and the production dependencies. Cached by the
// content hash of its inputs (label circus.content-hash): an unchanged tree builds nothing.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { access, copyFile, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type Dockerode from "dockerode";
import { ensureWebBuild } from "../bench/web-build";
import { ensureEngine } from "../sandbox/src/engine/ensure-engine";
import { buildImages } from "../sandbox/src/images/build-images";
import { readEngineMessages } from "../sandbox/src/images/engine-messages";
import { CONTENT_HASH_LABEL, IMAGE_LABEL } from "../sandbox/src/images/image-hashes";

export const WEB_IMAGE = "circus/web:latest";
const PARENT_IMAGE = "circus/rootfs:bookworm";
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCKERFILE = join(REPO_ROOT, "docker", "web", "Dockerfile");
/** Next.js 16's floor: the Node copied into the image must meet it. */
const NODE_FLOOR = [20, 9] as const;
const run = promisify(execFile);

export class WebImageError extends Error {
  override name = "WebImageError";
  /** True when this machine cannot build it (Node too old, not a git checkout), not when the build broke. */
  readonly unbuildableHere: boolean;
  constructor(message: string, options: { unbuildableHere?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.unbuildableHere = options.unbuildableHere ?? false;
  }
}

export interface WebImageResult {
  action: "cached" | "built";
  contentHash: string;
}

/** Builds circus/web unless an image with the same content hash is there (or `force`). */
export async function buildWebImage(
  docker: Dockerode,
  options: { force?: boolean; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<WebImageResult> {
  const log = options.log ?? (() => undefined);
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major < NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor < NODE_FLOOR[1])) {
    throw new WebImageError(
      `this machine's Node ${process.versions.node} is older than the ${NODE_FLOOR.join(".")} Next.js 16 needs: run the image build with a newer Node`,
      { unbuildableHere: true },
    );
  }
  log(`» ${WEB_IMAGE}: hashing its inputs`);
  const tracked = await trackedFiles();
  const dependencies = await productionDependencies();
  const contentHash = await hashInputs(tracked, dependencies);
  if (!options.force && (await labelOf(docker, WEB_IMAGE)) === contentHash) {
    log(`» ${WEB_IMAGE}: up to date`);
    return { action: "cached", contentHash };
  }
  await buildImages({ docker, only: PARENT_IMAGE, onProgress: () => undefined, ...signalOf(options) });
  const built = await ensureWebBuild(log);
  log(
    `» ${WEB_IMAGE}: building (production build ${built === "fresh" ? "up to date" : "made"}, Node ${process.versions.node})`,
  );
  const started = Date.now();
  const staging = await mkdtemp(join(tmpdir(), "circus-web-image-"));
  try {
    await copyFile(process.execPath, join(staging, "node"));
    await copyFile(DOCKERFILE, join(staging, "Dockerfile"));
    // Everything under app/ in the context (app is a link to the repository here; tar stores the names as
    // listed): tracked files, the builds, the production dependencies (their own links kept as links).
    await symlink(REPO_ROOT, join(staging, "app"));
    const listed = [...tracked, ...dependencies, "apps/web/.next", "prisma/generated"].map((path) => `app/${path}`);
    await writeFile(join(staging, "app-files"), `${listed.join("\n")}\n`);
    const context = spawn(
      "tar",
      [
        "--create",
        "--file=-",
        "--owner=0",
        "--group=0",
        "--hard-dereference",
        "--exclude=app/apps/web/.next/cache",
        `--directory=${staging}`,
        "Dockerfile",
        "node",
        `--files-from=${join(staging, "app-files")}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let tarErrors = "";
    context.stderr.on("data", (chunk: Buffer) => {
      tarErrors = (tarErrors + chunk.toString("utf8")).slice(-2_000);
    });
    const tarExited = new Promise<number | null>((resolve) => context.once("exit", resolve));
    const response = await docker
      .buildImage(context.stdout, {
        t: WEB_IMAGE,
        labels: { [CONTENT_HASH_LABEL]: contentHash, [IMAGE_LABEL]: "true" },
        rm: true,
        forcerm: true,
        version: "1",
        ...(options.signal ? { abortSignal: options.signal } : {}),
      })
      .catch(async (cause: unknown) => {
        context.kill();
        throw new WebImageError(`the engine refused the build context: ${String(cause)} ${tarErrors.trim()}`, {
          cause,
        });
      });
    let failure: string | undefined;
    let imageId: string | undefined;
    await readEngineMessages(
      response,
      (message) => {
        if (message.aux?.ID) imageId = message.aux.ID;
        if (message.error) failure = message.errorDetail?.message ?? message.error;
        const line = message.stream?.trim();
        if (line && /^Step \d+\/\d+ : /.test(line)) log(`[web] ${line}`);
      },
      options.signal,
    );
    const tarExit = context.exitCode ?? (await tarExited);
    if (tarExit !== 0) throw new WebImageError(`packing the build context failed: ${tarErrors.trim()}`);
    if (failure || !imageId) throw new WebImageError(`building ${WEB_IMAGE} failed: ${failure ?? "no image id"}`);
    log(`✓ built ${WEB_IMAGE} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { action: "built", contentHash };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The repository's tracked files (as git lists them), relative paths. */
async function trackedFiles(): Promise<string[]> {
  try {
    const { stdout } = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = stdout.split("\0").filter((path) => path !== "");
    // Files git knows of but the working tree no longer has (deleted, not yet committed) are left out.
    const present = await Promise.all(files.map(async (path) => ((await exists(join(REPO_ROOT, path))) ? path : "")));
    return present.filter((path) => path !== "").sort();
  } catch (cause) {
    throw new WebImageError(`could not list the repository's files with git (build circus/web from a git checkout)`, {
      cause,
      unbuildableHere: true,
    });
  }
}

/** The web app's production dependencies in node_modules (npm's own resolution), relative paths. */
async function productionDependencies(): Promise<string[]> {
  const { stdout } = await run("npm", ["ls", "--omit=dev", "--all", "--parseable", "-w", "@circus/web"], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => {
    // npm ls exits 1 on extraneous or invalid packages; its list is still complete.
    if (error.stdout) return { stdout: error.stdout };
    throw new WebImageError("`npm ls` failed: run `npm ci` first");
  });
  const paths = stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.includes("/node_modules/"))
    .map((line) => relative(REPO_ROOT, line));
  if (paths.length === 0) throw new WebImageError("no production dependencies found: run `npm ci` first");
  // A package nested in another's node_modules comes with its parent's folder: listed twice, tar would store
  // the second copy as a hard link to itself.
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((path) => !sorted.some((other) => path !== other && path.startsWith(`${other}/`)));
}

/** sha256 over the Dockerfile, Node's version and binary, the tracked files' bytes and the dependency list. */
async function hashInputs(tracked: string[], dependencies: string[]): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`web-image/1\0node ${process.versions.node}\0`);
  hash.update(await readFile(process.execPath));
  hash.update(await readFile(DOCKERFILE));
  for (const path of tracked) {
    const bytes = await readFile(join(REPO_ROOT, path)).catch(() => Buffer.alloc(0));
    hash.update(`file\0${path}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  hash.update(`dependencies\0${dependencies.join("\0")}`);
  return hash.digest("hex");
}

async function labelOf(docker: Dockerode, image: string): Promise<string | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return info.Config?.Labels?.[CONTENT_HASH_LABEL];
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function signalOf(options: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort(new Error("interrupted")));
  try {
    const { docker } = await ensureEngine({ signal: controller.signal });
    await buildWebImage(docker, {
      force: process.argv.includes("--force"),
      log: (line) => console.log(line),
      signal: controller.signal,
    });
  } catch (error) {
    console.error(error instanceof WebImageError ? `✗ ${error.message}` : error);
    process.exit(1);
  }
}
