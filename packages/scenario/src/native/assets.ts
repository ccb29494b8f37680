// Expands the `assets:` entries of scenario.md (paths or globs inside assets/) into one asset per
// file, so the sandbox copies plain files and a glob that matches nothing is caught at load time.
import { posix } from "node:path";
import picomatch from "picomatch";
import { error, type Location } from "../diagnostics";
import type { Asset, Diagnostic } from "../model";
import { listScenarioFiles } from "../scenario-paths";
import type { AssetInput } from "./front-matter-schema";
import { isInsideFolder } from "./scenario-files";
import type { YamlBlock } from "./yaml-block";

const ASSETS_FOLDER = "assets";
const MAX_ASSET_FILES = 10_000;
/** Longer asset sources are refused before picomatch sees them (it throws past 64 KiB). */
export const MAX_GLOB_LENGTH = 1024;
/**
 * picomatch turns each `*` into a lazy regular expression loop, and loops backtrack polynomially
 * against long file names (seconds per file with three `*` in one segment, or six in a path):
 * a segment may have two, a glob four (`**` counts once).
 */
export const MAX_STARS_PER_SEGMENT = 2;
export const MAX_STARS_PER_GLOB = 4;

/**
 * Files under `assets/` as POSIX paths relative to it, sorted; undefined when there is no assets folder.
 * Links are resolved: one to a file inside the scenario is an asset, one leading out is an error (at
 * `assetsAt`, where scenario.md names the assets, when the assets folder itself leads out).
 */
export async function listAssetFiles(
  dir: string,
  assetsAt: Location,
): Promise<{ files?: string[]; diagnostics: Diagnostic[] }> {
  const listing = await listScenarioFiles(dir, ASSETS_FOLDER, MAX_ASSET_FILES);
  const fix = "replace the link with the files themselves; links may only point inside the scenario folder";
  if (listing.folderOutside) {
    return {
      diagnostics: [
        error("path-outside-scenario", `"${ASSETS_FOLDER}/" is a link to a folder outside the scenario`, assetsAt, fix),
      ],
    };
  }
  const diagnostics = listing.outside.map((path) =>
    error(
      "path-outside-scenario",
      `"${ASSETS_FOLDER}/${path}" links outside the scenario folder and is not copied`,
      { file: `${ASSETS_FOLDER}/${path}` },
      fix,
    ),
  );
  return { files: listing.exists ? listing.files : undefined, diagnostics };
}

/**
 * A glob (or a folder) copies each file to `target` (a folder) plus its path below the glob's base:
 * `source: app/**`, `target: /root/app` puts assets/app/src/main.js at /root/app/src/main.js.
 */
export function expandAssets(
  entries: readonly AssetInput[],
  files: readonly string[] | undefined,
  defaultHost: string,
  frontMatter: YamlBlock,
): { assets: Asset[]; diagnostics: Diagnostic[] } {
  const assets: Asset[] = [];
  const diagnostics: Diagnostic[] = [];
  entries.forEach((entry, index) => {
    const at = { file: frontMatter.file, ...frontMatter.locate(["assets", index, "source"]) };
    const source = entry.source.replace(/^\.\//, "");
    if (!isInsideFolder(source)) {
      diagnostics.push(
        error(
          "path-outside-scenario",
          `asset source "${entry.source}" leaves the assets folder`,
          at,
          `use a path relative to ${ASSETS_FOLDER}/, without ".." or a leading "/"`,
        ),
      );
      return;
    }
    const tooComplex = globComplexity(source);
    if (tooComplex) {
      diagnostics.push(error(tooComplex.code, `asset source ${tooComplex.message}`, at, tooComplex.fix));
      return;
    }
    const scan = picomatch.scan(source);
    const folder = source.replace(/\/+$/, "");
    const isFolder = !scan.isGlob && (files ?? []).some((file) => file.startsWith(`${folder}/`));
    const isMatch = picomatch(source, { dot: true });
    const matches = scan.isGlob
      ? (files ?? []).filter((file) => isMatch(file))
      : isFolder
        ? (files ?? []).filter((file) => file.startsWith(`${folder}/`))
        : (files ?? []).filter((file) => file === source);
    if (matches.length === 0) {
      diagnostics.push(
        error(
          "asset-no-match",
          files === undefined
            ? `asset source "${entry.source}" matches nothing: the scenario has no ${ASSETS_FOLDER}/ folder`
            : `asset source "${entry.source}" matches no file in ${ASSETS_FOLDER}/`,
          at,
          `put the files under ${ASSETS_FOLDER}/ or correct the path; it is relative to ${ASSETS_FOLDER}/`,
        ),
      );
      return;
    }
    const base = scan.isGlob ? scan.base : isFolder ? folder : undefined;
    for (const file of matches) {
      const target =
        base === undefined
          ? entry.target
          : posix.join(entry.target.replace(/\/*$/, "/"), posix.relative(base || ".", file));
      assets.push({
        host: entry.host ?? defaultHost,
        source: file,
        target,
        ...(entry.mode ? { mode: entry.mode } : {}),
      });
    }
  });
  return { assets, diagnostics };
}

/** Why a glob is refused before it is compiled, or undefined when picomatch may have it. */
function globComplexity(source: string): { code: string; message: string; fix: string } | undefined {
  if (source.length > MAX_GLOB_LENGTH) {
    return {
      code: "glob-too-long",
      message: `is ${source.length} characters long; the limit is ${MAX_GLOB_LENGTH}`,
      fix: "use a shorter path or glob, e.g. a folder name or `folder/**`",
    };
  }
  const segments = source.split("/");
  const stars = segments.map((part) => (part === "**" ? 1 : (part.match(/\*/g)?.length ?? 0)));
  const crowded = segments.find((_, index) => stars[index]! > MAX_STARS_PER_SEGMENT);
  const total = stars.reduce((sum, count) => sum + count, 0);
  if (crowded === undefined && total <= MAX_STARS_PER_GLOB) return undefined;
  return {
    code: "glob-too-complex",
    message:
      crowded !== undefined
        ? `has more than ${MAX_STARS_PER_SEGMENT} \`*\` in the path segment "${crowded.slice(0, 80)}"`
        : `has ${total} \`*\` wildcards; the limit is ${MAX_STARS_PER_GLOB} (\`**\` counts as one)`,
    fix: "match with fewer wildcards, e.g. `app/**` or `*.yaml`, or list the files as separate assets",
  };
}
