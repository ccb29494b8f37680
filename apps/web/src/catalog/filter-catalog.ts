// Narrowing the catalog by the page's query string (?q=&tag=&difficulty=). Pure, so the page
// stays a thin adapter and the rules are unit-tested here.
import { type Difficulty, DifficultySchema } from "@circus/scenario";
import { z } from "zod";
import type { CatalogEntry } from "./catalog";

export interface CatalogFilter {
  /** Words that must all appear in the title, description, id or tags (case-insensitive). */
  q?: string;
  /** A tag the scenario must carry (case-insensitive). */
  tag?: string;
  difficulty?: Difficulty;
}

/** One query-string value: the first of repeated values, trimmed; empty means absent. */
const QueryValueSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 200) || undefined);

/** Parses a page's search params into a filter; unknown difficulties are ignored rather than rejected. */
export const CatalogFilterSchema = z.object({
  q: QueryValueSchema,
  tag: QueryValueSchema,
  difficulty: QueryValueSchema.transform((value) => DifficultySchema.safeParse(value).data),
});

export function parseCatalogFilter(searchParams: Record<string, string | string[] | undefined>): CatalogFilter {
  return CatalogFilterSchema.parse({
    q: searchParams.q,
    tag: searchParams.tag,
    difficulty: searchParams.difficulty,
  });
}

export function filterCatalog(entries: readonly CatalogEntry[], filter: CatalogFilter): CatalogEntry[] {
  const words = (filter.q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const tag = filter.tag?.toLowerCase();
  return entries.filter((entry) => {
    if (filter.difficulty && entry.difficulty !== filter.difficulty) return false;
    if (tag && !entry.tags.some((t) => t.toLowerCase() === tag)) return false;
    if (words.length === 0) return true;
    const haystack = [entry.title, entry.description, entry.id, ...entry.tags].join("\n").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** Every tag in the catalog once (ignoring case, first spelling wins), sorted, for the tag filter. */
export function listTags(entries: readonly CatalogEntry[]): string[] {
  const byKey = new Map<string, string>();
  for (const tag of entries.flatMap((entry) => entry.tags)) {
    if (!byKey.has(tag.toLowerCase())) byKey.set(tag.toLowerCase(), tag);
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}
