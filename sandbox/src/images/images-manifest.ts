// The list of sandbox images (`docker/images.json`): a debootstrapped root filesystem and the
// Dockerfile images built on it, each after its parent. Parsed with zod and checked as a whole.
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ImageManifestInvalidError } from "../errors";

/** The repository's `docker/` folder. */
export const DEFAULT_IMAGES_DIR = fileURLToPath(new URL("../../../docker/", import.meta.url));
export const MANIFEST_FILE = "images.json";

const imageNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, "an image name like circus/base or circus/base:tag");

const rootfsImageSchema = z.strictObject({
  name: imageNameSchema,
  description: z.string().optional(),
  /** Built with `debootstrap --variant=<variant> <suite>` from the machine's apt mirror, then imported. */
  rootfs: z.strictObject({
    suite: z.string().regex(/^[a-z]+$/),
    variant: z.enum(["minbase", "buildd", "fakechroot"]).default("minbase"),
  }),
});

const dockerfileImageSchema = z.strictObject({
  name: imageNameSchema,
  description: z.string().optional(),
  /** Folder with the Dockerfile, relative to the manifest's folder; its files are the build context. */
  context: z.string().min(1),
  /** The image its Dockerfile builds FROM; another image of this manifest. */
  parent: imageNameSchema,
  /** The build stage to build (`docker build --target`) when the Dockerfile has several. */
  target: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, "a build stage name")
    .optional(),
  /** Pushed to the Circus registry under this repository (e.g. `library/nginx`) by `npm run images`. */
  registry: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, "a repository like library/nginx")
    .optional(),
});

export const imagesManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  images: z.array(z.union([rootfsImageSchema, dockerfileImageSchema])).min(1),
});

export type RootfsImage = z.infer<typeof rootfsImageSchema> & { kind: "rootfs" };
export type DockerfileImage = z.infer<typeof dockerfileImageSchema> & { kind: "dockerfile"; contextDir: string };
export type ManifestImage = RootfsImage | DockerfileImage;

export interface ImagesManifest {
  /** The manifest file. */
  file: string;
  /** Every image with its name tagged (`:latest` added), parents before children. */
  images: ManifestImage[];
}

/** `circus/base` → `circus/base:latest`. */
export function withTag(name: string): string {
  return /:[^/]+$/.test(name) ? name : `${name}:latest`;
}

/** Reads and checks `<dir>/images.json`: names unique, parents known, no cycles, contexts with a Dockerfile FROM the parent. */
export async function loadImagesManifest(dir: string = DEFAULT_IMAGES_DIR): Promise<ImagesManifest> {
  const file = join(dir, MANIFEST_FILE);
  const fail = (detail: string): never => {
    throw new ImageManifestInvalidError(file, detail);
  };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    return fail(cause instanceof Error ? cause.message : String(cause));
  }
  const parsed = imagesManifestSchema.safeParse(json);
  if (!parsed.success) return fail(z.prettifyError(parsed.error));

  const byName = new Map<string, ManifestImage>();
  for (const entry of parsed.data.images) {
    const name = withTag(entry.name);
    if (byName.has(name)) fail(`${name} is listed twice`);
    if ("rootfs" in entry) {
      byName.set(name, { ...entry, name, kind: "rootfs" });
    } else {
      const contextDir = resolve(dir, entry.context);
      const inside = relative(resolve(dir), contextDir);
      if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
        fail(`${name}: context ${entry.context} must be a folder inside ${dir}`);
      }
      // Through symbolic links too: a context linked out would send another folder's files to the builder.
      const realDir = await realpath(dir);
      const realContext = await realpath(contextDir).catch(() => join(realDir, inside));
      const realInside = relative(realDir, realContext);
      if (realInside === "" || realInside.startsWith("..") || isAbsolute(realInside)) {
        fail(`${name}: context ${entry.context} must be a folder inside ${dir}, not a link out of it`);
      }
      byName.set(name, { ...entry, name, parent: withTag(entry.parent), kind: "dockerfile", contextDir });
    }
  }

  const ordered: ManifestImage[] = [];
  const visiting = new Set<string>();
  const visit = (image: ManifestImage) => {
    if (ordered.includes(image)) return;
    if (visiting.has(image.name)) fail(`${image.name} is its own ancestor`);
    visiting.add(image.name);
    if (image.kind === "dockerfile") {
      const parent = byName.get(image.parent);
      if (!parent) fail(`${image.name}: parent ${image.parent} is not in the manifest`);
      visit(parent!);
    }
    visiting.delete(image.name);
    ordered.push(image);
  };
  for (const image of byName.values()) visit(image);

  for (const image of ordered) {
    if (image.kind === "dockerfile") await checkDockerfile(image, fail);
  }
  return { file, images: ordered };
}

/** The manifest image a user means by `ref`: its full name, its name without the tag, or its context folder. */
export function findManifestImage(manifest: ImagesManifest, ref: string): ManifestImage | undefined {
  return manifest.images.find(
    (image) =>
      image.name === withTag(ref) ||
      (image.kind === "dockerfile" && image.context.replace(/\/+$/, "") === ref.replace(/\/+$/, "")),
  );
}

/** The image and its ancestors, root first. */
export function lineageOf(manifest: ImagesManifest, image: ManifestImage): ManifestImage[] {
  const lineage = [image];
  let current = image;
  while (current.kind === "dockerfile") {
    const parent = manifest.images.find((candidate) => candidate.name === (current as DockerfileImage).parent);
    if (!parent) break;
    lineage.unshift(parent);
    current = parent;
  }
  return lineage;
}

async function checkDockerfile(image: DockerfileImage, fail: (detail: string) => never): Promise<void> {
  const dockerfile = join(image.contextDir, "Dockerfile");
  const isFile = await stat(dockerfile).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!isFile) fail(`${image.name}: ${image.context}/Dockerfile does not exist`);
  const stages = new Set<string>();
  for (const line of (await readFile(dockerfile, "utf8")).split("\n")) {
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    const base = from[1]!;
    if (base !== "scratch" && !stages.has(base.toLowerCase()) && withTag(base) !== image.parent) {
      fail(`${image.name}: ${image.context}/Dockerfile builds FROM ${base}, but its parent is ${image.parent}`);
    }
    if (from[2]) stages.add(from[2].toLowerCase());
  }
}
