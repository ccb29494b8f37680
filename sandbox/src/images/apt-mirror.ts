// Finds the Debian mirror this machine's apt already uses (deb822 `*.sources` or one-line
// `sources.list`), so that debootstrap builds the root filesystem from it; never hard-coded.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AptMirrorNotFoundError } from "../errors";

/** One apt source entry, from either file format. */
export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
  /** The file it came from, for messages. */
  file: string;
}

/** Parses deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Components:`, `Enabled:`); comments and unknown fields are skipped. */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of stanza.split("\n")) {
      if (line.startsWith("#")) continue;
      if (/^[ \t]/.test(line)) {
        if (current !== undefined && line.trim() !== ".") fields.set(current, `${fields.get(current)} ${line.trim()}`);
        continue;
      }
      const match = /^([A-Za-z0-9-]+):(.*)$/.exec(line);
      if (!match) continue;
      current = match[1]!.toLowerCase();
      fields.set(current, match[2]!.trim());
    }
    if (!fields.has("uris")) continue;
    const list = (key: string) => (fields.get(key) ?? "").split(/\s+/).filter((word) => word !== "");
    sources.push({
      types: list("types"),
      uris: list("uris"),
      suites: list("suites"),
      components: list("components"),
      enabled: !/^(no|false|0)$/i.test(fields.get("enabled") ?? "yes"),
      file,
    });
  }
  return sources;
}

/** Parses one-line `deb [options] uri suite component...` entries; `deb-src` lines are kept with their type. */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw
      .replace(/#.*$/, "")
      .replace(/\[[^\]]*\]/, " ")
      .trim();
    const [type, uri, suite, ...components] = line.split(/\s+/);
    if (!type || !uri || !suite || !/^deb(-src)?$/.test(type)) continue;
    sources.push({ types: [type], uris: [uri], suites: [suite], components, enabled: true, file });
  }
  return sources;
}

/** All entries of `<aptDir>/sources.list` and `<aptDir>/sources.list.d/*.{list,sources}`, in apt's order. */
export async function readAptSources(aptDir = "/etc/apt"): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const mainList = join(aptDir, "sources.list");
  const text = await readFile(mainList, "utf8").catch(() => undefined);
  if (text !== undefined) sources.push(...parseOneLineSources(text, mainList));
  const partsDir = join(aptDir, "sources.list.d");
  const parts = await readdir(partsDir).catch(() => [] as string[]);
  for (const name of parts.sort()) {
    const file = join(partsDir, name);
    if (name.endsWith(".list")) sources.push(...parseOneLineSources(await readFile(file, "utf8"), file));
    if (name.endsWith(".sources")) sources.push(...parseDeb822Sources(await readFile(file, "utf8"), file));
  }
  return sources;
}

/**
 * The mirror for `suite`: the first enabled binary (`deb`) source that lists the suite; failing that,
 * the first whose URI is a Debian archive (path ending in /debian), since any Debian mirror serves every suite.
 */
export function chooseDebianMirror(sources: AptSource[], suite: string): string {
  const usable = sources
    .filter((source) => source.enabled && source.types.includes("deb"))
    .flatMap((source) =>
      source.uris.filter((uri) => /^(https?|file):/.test(uri)).map((uri) => ({ uri, suites: source.suites })),
    );
  const exact = usable.find((candidate) => candidate.suites.includes(suite));
  const archive = usable.find((candidate) => /\/debian\/?$/.test(new URL(candidate.uri).pathname));
  const chosen = exact ?? archive;
  if (!chosen) {
    const seen = sources.map((source) => `${source.file}: ${source.uris.join(" ")} ${source.suites.join(" ")}`);
    throw new AptMirrorNotFoundError(
      seen.length === 0 ? "apt has no sources at all" : `none of these serves Debian ${suite}: ${seen.join("; ")}`,
    );
  }
  return chosen.uri.replace(/\/+$/, "");
}

/** Reads the machine's apt configuration and chooses the mirror for `suite`. */
export async function findDebianMirror(suite: string, aptDir = "/etc/apt"): Promise<string> {
  return chooseDebianMirror(await readAptSources(aptDir), suite);
}
