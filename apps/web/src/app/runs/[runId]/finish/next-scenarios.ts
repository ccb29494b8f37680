// What to try after a scenario: other catalog entries sharing at least one of its tags, those sharing
// the most tags first, then by title.
import type { CatalogEntry } from "../../../../catalog/catalog";

export function nextScenarios(
  catalog: readonly CatalogEntry[],
  current: { id: string; tags: readonly string[] },
  limit = 3,
): CatalogEntry[] {
  const tags = new Set(current.tags);
  return catalog
    .filter((entry) => entry.id !== current.id)
    .map((entry) => ({ entry, shared: entry.tags.filter((tag) => tags.has(tag)).length }))
    .filter(({ shared }) => shared > 0)
    .sort((a, b) => b.shared - a.shared || a.entry.title.localeCompare(b.entry.title))
    .slice(0, limit)
    .map(({ entry }) => entry);
}
