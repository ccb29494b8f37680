// Copies a scenario's assets (files under `<scenarioDir>/assets/`) into its hosts, one archive per
// host: a target ending in "/" (or "~") is a folder that receives the file under its own name.
import { readFile, stat } from "node:fs/promises";
import { basename, posix } from "node:path";
import type { FileToCopy } from "@circus/sandbox";
import { type Asset, resolveScenarioPath } from "@circus/scenario";
import type { Lab } from "./lab";
import { AssetUnreadableError } from "./lab-errors";

const ASSETS_FOLDER = "assets";

export async function copyAssets(
  lab: Pick<Lab, "runtime" | "environment" | "scenario" | "scenarioDir">,
  options: { onlyHost?: string } = {},
): Promise<void> {
  const byHost = new Map<string, FileToCopy[]>();
  for (const asset of lab.scenario.assets) {
    if (options.onlyHost !== undefined && asset.host !== options.onlyHost) continue;
    const files = byHost.get(asset.host) ?? [];
    files.push(await fileToCopy(lab.scenarioDir, asset));
    byHost.set(asset.host, files);
  }
  const environment = lab.runtime.environment(lab.environment.id);
  for (const [host, files] of byHost) await environment.files.copy(host, files);
}

/** Where an asset lands in its host: `target`, or `target/<file name>` when target is a folder. */
export function assetPath(asset: Pick<Asset, "source" | "target">): string {
  const isFolder = asset.target.endsWith("/") || asset.target === "~";
  return isFolder ? posix.join(asset.target, basename(asset.source)) : asset.target;
}

async function fileToCopy(scenarioDir: string, asset: Asset): Promise<FileToCopy> {
  // Resolved again here, not only at load time: the folder may have changed since it was validated.
  const resolved = await resolveScenarioPath(scenarioDir, `${ASSETS_FOLDER}/${asset.source}`);
  if (!resolved.ok) {
    throw new AssetUnreadableError(
      asset.source,
      resolved.reason === "outside" ? "it leads outside the scenario folder" : "it does not exist",
    );
  }
  try {
    const [content, info] = await Promise.all([readFile(resolved.realPath), stat(resolved.realPath)]);
    // An unset mode keeps the file's own permission bits, as the author's checkout has them.
    const mode = asset.mode === undefined ? info.mode & 0o7777 : Number.parseInt(asset.mode, 8);
    return { path: assetPath(asset), content, mode };
  } catch (cause) {
    throw new AssetUnreadableError(asset.source, cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
