// Loads a KataCoda or Killercoda scenario folder (index.json + markdown + scripts + assets/) unchanged
// into the Circus model. Every problem becomes a diagnostic with a position; nothing here throws on bad input.
import { basename, resolve } from "node:path";
import type { z } from "zod";
import { error, hasErrors, type LoadOutcome, type Location, warning } from "../diagnostics";
import { type Diagnostic, ScenarioSchema } from "../model";
import type { ScenarioListing } from "../scenario-paths";
import { buildKatacodaEnvironment } from "./build-katacoda-environment";
import { findUnknownKeys } from "./find-unknown-keys";
import type { ImageMap } from "./image-map";
import { type IndexJsonDocument, readIndexJson } from "./index-json-document";
import {
  type KatacodaIndex,
  KatacodaIndexSchema,
  type PageEntry,
  SINGLE_VALUE_LISTS,
  UNSUPPORTED_KEYS,
} from "./index-json-schema";
import { parseDifficulty, parseDurationMinutes } from "./katacoda-metadata";
import { readKatacodaPages } from "./read-katacoda-pages";
import { ASSETS_FOLDER, resolveKatacodaAssets } from "./resolve-katacoda-assets";
import { ScenarioFolder } from "./scenario-folder";
import { fallbackTitle } from "./scenario-title";
import { diagnosticsFromZodIssues, formatJsonPath } from "./zod-issue-diagnostics";

export interface LoadKatacodaOptions {
  /** `backend.imageid` to Circus image and host names; usually `defaultImageMap` or an extension of it. */
  imageMap: ImageMap;
}

const INDEX_FILE = "index.json";

export async function loadKatacodaScenario(dir: string, options: LoadKatacodaOptions): Promise<LoadOutcome> {
  const folder = new ScenarioFolder(dir);
  const indexFile = await folder.read(INDEX_FILE);
  if (!indexFile.ok) {
    return {
      diagnostics: [
        error(
          "file-missing",
          `${INDEX_FILE} cannot be read`,
          { file: INDEX_FILE },
          `create ${INDEX_FILE} in the scenario folder`,
        ),
      ],
    };
  }
  const reading = readIndexJson(indexFile.text, INDEX_FILE);
  if (!reading.document) return { diagnostics: reading.diagnostics };
  const document = reading.document;
  const diagnostics: Diagnostic[] = [...reportUnknownKeys(document)];

  const parsed = KatacodaIndexSchema.safeParse(document.value);
  if (!parsed.success) {
    diagnostics.push(
      ...diagnosticsFromZodIssues(parsed.error.issues, {
        code: "index-json-invalid-value",
        locate: document.locateValue,
        fix: "correct the value to the type shown (see docs/authoring.md for the index.json fields Circus reads)",
      }),
    );
    return { diagnostics };
  }
  const index = parsed.data;
  const { locateValue, locateKey } = document;
  diagnostics.push(...reportSingleValueLists(document));

  const unsupportedType = index.type?.trim();
  if (unsupportedType && !/^(terminal|scenario|course)?$/i.test(unsupportedType) && !index.details?.steps?.length) {
    diagnostics.push(
      error(
        "scenario-type-unsupported",
        `this is a "${unsupportedType}" scenario with no steps; Circus runs terminal scenarios only, so this type is not supported`,
        locateValue(["type"]),
        "convert it to steps with text files (details.steps) or leave it out of the catalog",
      ),
    );
    return { diagnostics };
  }

  let title = index.title ?? "";
  if (title === "") {
    const fallback = await fallbackTitle(folder.root);
    title = fallback.title;
    diagnostics.push(
      warning(
        "title-missing",
        fallback.pathwayFile
          ? `index.json has no title; Circus uses "${title}" from ${fallback.pathwayFile}, as KataCoda did`
          : `index.json has no title and no pathway file beside the folder names it; Circus uses the folder name, "${title}"`,
        locateValue(["title"]),
        'add "title": "..." to index.json',
      ),
    );
  }

  let difficulty = parseDifficulty(index.difficulty ?? "beginner");
  if (!difficulty) {
    diagnostics.push(
      warning(
        "difficulty-unknown",
        `difficulty "${index.difficulty}" is not known; Circus uses "beginner"`,
        locateValue(["difficulty"]),
        'use "beginner", "intermediate" or "advanced"',
      ),
    );
    difficulty = "beginner";
  }
  const durationMinutes = index.time === undefined ? undefined : parseDurationMinutes(index.time);
  if (index.time !== undefined && durationMinutes === undefined) {
    diagnostics.push(
      warning(
        "time-unparsable",
        `time "${index.time}" cannot be read as a duration; it is left out`,
        locateValue(["time"]),
        'write it like "10 minutes", "15-20 minutes" or "1 hour"',
      ),
    );
  }

  const built = buildKatacodaEnvironment({ index, imageMap: options.imageMap, locateValue });
  diagnostics.push(...built.diagnostics);
  const { environment } = built;

  const pages = await readKatacodaPages({ index, folder, locateValue });
  diagnostics.push(...pages.diagnostics);

  const listing = index.details?.assets ? await folder.listFiles(ASSETS_FOLDER) : undefined;
  if (listing) diagnostics.push(...assetLinksOutside(listing, locateKey(["details", "assets"])));
  const assets = resolveKatacodaAssets({
    assets: index.details?.assets ?? {},
    hosts: environment.hosts.map((host) => host.name),
    assetFiles: listing?.files ?? [],
    locateValue,
    locateKey,
  });
  diagnostics.push(...assets.diagnostics);

  const candidate: z.input<typeof ScenarioSchema> = {
    id: scenarioIdFromFolder(folder.root),
    format: katacodaDialect(index),
    title,
    description: index.description ?? "",
    difficulty,
    durationMinutes,
    hosts: environment.hosts,
    terminals: environment.terminals,
    ports: environment.ports,
    links: environment.links,
    editor: environment.editor,
    layout: environment.layout,
    uiMessage: environment.uiMessage,
    unavailable: environment.unavailable,
    intro: pages.intro,
    steps: pages.steps,
    finish: pages.finish,
    hideIntro: environment.hideIntro ?? false,
    hideFinish: environment.hideFinish ?? false,
    assets: assets.assets,
  };
  const validated = ScenarioSchema.safeParse(candidate);
  if (!validated.success) {
    diagnostics.push(
      ...diagnosticsFromZodIssues(validated.error.issues, {
        code: "scenario-invalid",
        locate: () => ({ file: INDEX_FILE }),
        fix: "the scenario converted from index.json breaks a Circus rule; correct the field named above",
      }),
    );
    return { diagnostics };
  }
  return { scenario: hasErrors(diagnostics) ? undefined : validated.data, diagnostics };
}

/** Links in assets/ (or assets/ itself) that lead out of the scenario folder: refused, never copied. */
function assetLinksOutside(listing: ScenarioListing, assetsAt: Location): Diagnostic[] {
  const fix = "replace the link with the files themselves; links may only point inside the scenario folder";
  if (listing.folderOutside) {
    return [
      error("path-outside-scenario", `"${ASSETS_FOLDER}/" is a link to a folder outside the scenario`, assetsAt, fix),
    ];
  }
  return listing.outside.map((path) =>
    error(
      "path-outside-scenario",
      `"${ASSETS_FOLDER}/${path}" links outside the scenario folder and is not copied`,
      { file: `${ASSETS_FOLDER}/${path}` },
      fix,
    ),
  );
}

/** Killercoda when the file uses a key only Killercoda has (or a Killercoda-only image), else KataCoda. */
export function katacodaDialect(index: KatacodaIndex): "katacoda" | "killercoda" {
  const pages: PageEntry[] = [index.details?.intro ?? {}, ...(index.details?.steps ?? []), index.details?.finish ?? {}];
  const katacodaOnly =
    pages.some((page) => page.courseData || page.code) ||
    index.environment?.uilayout !== undefined ||
    index.pathwayId !== undefined;
  if (katacodaOnly) return "katacoda";
  const killercodaOnly =
    index.interface !== undefined ||
    pages.some((page) => page.background || page.foreground) ||
    /^kubernetes-kubeadm-/i.test(index.backend?.imageid ?? "");
  return killercodaOnly ? "killercoda" : "katacoda";
}

/** A list field written as one value (a string or one object) is read, but the author should write a list. */
function reportSingleValueLists(document: IndexJsonDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { path, stringIsItem } of SINGLE_VALUE_LISTS) {
    let value: unknown = document.value;
    for (const key of path)
      value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined || value === null || Array.isArray(value)) continue;
    const name = path.join(".");
    const read =
      typeof value === "string"
        ? stringIsItem && value.trim() !== ""
          ? `a list of one, ["${value}"]`
          : "an empty list (a string names no entry)"
        : "a list of one entry";
    diagnostics.push(
      warning(
        "list-field-single",
        `${name} is a single ${typeof value === "string" ? "string" : "object"}, not a list; Circus reads it as ${read}`,
        document.locateValue(path),
        `write "${path.at(-1)}": [ ... ]`,
      ),
    );
  }
  return diagnostics;
}

function reportUnknownKeys(document: IndexJsonDocument): Diagnostic[] {
  return findUnknownKeys(document.root, KatacodaIndexSchema).map(({ path, key, offset, knownKeys }) => {
    const at = document.locateOffset(offset);
    const where = formatJsonPath(path);
    const unsupported = Object.hasOwn(UNSUPPORTED_KEYS, key) ? UNSUPPORTED_KEYS[key] : undefined;
    if (unsupported) {
      return warning(
        "unsupported-key",
        `${where} is a KataCoda option Circus does not support (${unsupported}); it is ignored`,
        at,
        `remove "${key}"`,
      );
    }
    const suggestion = closestKey(key, knownKeys);
    return warning(
      "unknown-key",
      `${where} is not a key Circus knows in index.json; it is ignored`,
      at,
      suggestion ? `did you mean "${suggestion}"?` : `remove "${key}" or check its spelling`,
    );
  });
}

/** The known key within edit distance 2 of `key` (or equal ignoring case), for "did you mean". */
function closestKey(key: string, knownKeys: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of knownKeys) {
    const distance =
      known.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), known.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** "My Scenario_2" -> "my-scenario-2": the URL-safe id from the folder name. */
export function scenarioIdFromFolder(dir: string): string {
  const slug = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "scenario" : slug;
}
