// `details.assets` of index.json to Circus assets: host keys ("client", "host01", a host name)
// to hosts, globs expanded against the assets/ folder, targets as directories, chmod to an octal mode.
import { posix } from "node:path";
import picomatch from "picomatch";
import { error, type Location, warning } from "../diagnostics";
import type { Asset, Diagnostic } from "../model";
import type { JsonPath } from "./index-json-document";
import type { AssetEntry } from "./index-json-schema";
import { formatJsonPath } from "./zod-issue-diagnostics";

export const ASSETS_FOLDER = "assets";

export interface AssetInputs {
  /** `details.assets` as parsed. */
  assets: Readonly<Record<string, readonly AssetEntry[]>>;
  /** Host names in order (HOST1 first). */
  hosts: readonly string[];
  /** Every file under assets/, relative to it. */
  assetFiles: readonly string[];
  locateValue: (path: JsonPath) => Location;
  locateKey: (path: JsonPath) => Location;
}

export function resolveKatacodaAssets(inputs: AssetInputs): { assets: Asset[]; diagnostics: Diagnostic[] } {
  const assets: Asset[] = [];
  const diagnostics: Diagnostic[] = [];
  const base: JsonPath = ["details", "assets"];
  for (const [hostKey, entries] of Object.entries(inputs.assets)) {
    const host = hostForKey(hostKey, inputs.hosts);
    if (!host) {
      diagnostics.push(
        error(
          "asset-host-unknown",
          `details.assets.${hostKey}: the scenario has no host "${hostKey}" (its hosts: ${inputs.hosts.join(", ")})`,
          inputs.locateKey([...base, hostKey]),
          `use "client", "host01".."host${String(inputs.hosts.length).padStart(2, "0")}" or a host name`,
        ),
      );
      continue;
    }
    entries.forEach((entry, index) => {
      const path = [...base, hostKey, index];
      const where = formatJsonPath(path);
      const mode = entry.chmod === undefined ? { mode: undefined } : parseChmod(entry.chmod);
      if ("problem" in mode) {
        diagnostics.push(
          warning(
            "asset-chmod-unsupported",
            `${where}.chmod "${entry.chmod}" is not understood; the file keeps its own mode`,
            inputs.locateValue([...path, "chmod"]),
            'write "+x" or an octal mode such as "0755"',
          ),
        );
      }
      const target = normalizeTarget(entry.target);
      if (target.relative) {
        diagnostics.push(
          warning(
            "asset-target-relative",
            `${where}.target "${entry.target}" is relative; Circus copies to ${target.directory}`,
            inputs.locateValue([...path, "target"]),
            `write "~/${entry.target}" or an absolute path`,
          ),
        );
      }
      const file = cleanAssetPattern(entry.file);
      if (/^[\\/]/.test(entry.file.trim())) {
        // KataCoda read the name relative to assets/ even with a leading "/": so does Circus.
        diagnostics.push(
          warning(
            "asset-file-absolute",
            `${where}.file "${entry.file}" starts with "/"; Circus reads it as ${ASSETS_FOLDER}/${file}, as KataCoda did`,
            inputs.locateValue([...path, "file"]),
            `write "${file}" (paths are relative to ${ASSETS_FOLDER}/)`,
          ),
        );
      }
      const matches = matchAssetFiles(file, inputs.assetFiles);
      if (matches.length === 0) {
        const isGlob = picomatch.scan(file).isGlob;
        diagnostics.push(
          (isGlob ? warning : error)(
            isGlob ? "asset-glob-empty" : "asset-missing",
            isGlob
              ? `${where}.file "${entry.file}" matches no file in ${ASSETS_FOLDER}/`
              : `${where}.file "${entry.file}": there is no file or folder ${ASSETS_FOLDER}/${file} in the scenario`,
            inputs.locateValue([...path, "file"]),
            `put the file under ${ASSETS_FOLDER}/ (paths are relative to it) or fix the name`,
          ),
        );
      }
      for (const match of matches) {
        const sub = match.subfolder === "" ? "" : `${match.subfolder}/`;
        assets.push({
          host,
          source: match.source,
          target: `${target.directory}${sub}`,
          ...("mode" in mode && mode.mode ? { mode: mode.mode } : {}),
        });
      }
    });
  }
  return { assets, diagnostics };
}

/** "client" and "host01" name hosts by position; a host's own name works too. */
export function hostForKey(key: string, hosts: readonly string[]): string | undefined {
  if (hosts.includes(key)) return key;
  if (key.toLowerCase() === "client") return hosts[0];
  const numbered = /^host0*(\d+)$/i.exec(key);
  return numbered ? hosts[Number(numbered[1]) - 1] : undefined;
}

/** "/x", "./x/", "a\\b" -> "x", "x", "a/b": an asset name relative to assets/. */
function cleanAssetPattern(pattern: string): string {
  return posix
    .normalize(pattern.trim().replaceAll("\\", "/"))
    .replace(/^\/+/, "")
    .replace(/^(\.\/)+/, "")
    .replace(/\/$/, "");
}

/** A file, a folder (all files below it) or a glob, relative to assets/; with the subfolder to recreate under the target. */
function matchAssetFiles(cleaned: string, files: readonly string[]): { source: string; subfolder: string }[] {
  const scan = picomatch.scan(cleaned);
  if (scan.isGlob) {
    let isMatch: (file: string) => boolean;
    try {
      isMatch = picomatch(cleaned, { dot: true });
    } catch {
      return []; // A glob picomatch refuses (e.g. far too long) matches nothing, and is reported so.
    }
    return files
      .filter((file) => isMatch(file))
      .map((file) => ({ source: file, subfolder: subfolderOf(file, scan.base) }));
  }
  if (files.includes(cleaned)) return [{ source: cleaned, subfolder: "" }];
  const parent = posix.dirname(cleaned) === "." ? "" : posix.dirname(cleaned);
  return files
    .filter((file) => file.startsWith(`${cleaned}/`))
    .map((file) => ({ source: file, subfolder: subfolderOf(file, parent) }));
}

function subfolderOf(file: string, base: string): string {
  const folder = posix.dirname(base === "" ? file : posix.relative(base, file));
  return folder === "." ? "" : folder;
}

/** Targets are folders: "~" -> "~/", "/root" -> "/root/"; a relative target goes under the home folder. */
function normalizeTarget(raw: string): { directory: string; relative: boolean } {
  const trimmed = raw.trim().replaceAll("\\", "/");
  const relative = !trimmed.startsWith("/") && trimmed !== "~" && !trimmed.startsWith("~/");
  const absolute = relative ? `~/${trimmed}` : trimmed;
  return { directory: absolute.endsWith("/") ? absolute : `${absolute}/`, relative };
}

/** "+x", "a+x", "u+x" -> "0755"; "755", "0644", 755 -> 4-digit octal. */
export function parseChmod(raw: string | number): { mode: string } | { problem: true } {
  const text = String(raw).trim();
  if (/^[ugoa]*\+x$/.test(text)) return { mode: "0755" };
  if (/^0?[0-7]{3}$/.test(text)) return { mode: text.padStart(4, "0") };
  return { problem: true };
}
