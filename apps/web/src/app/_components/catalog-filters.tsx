// The catalog's search and filters: a plain GET form, so they work without JavaScript and every
// filtered view has its own URL (?q=&tag=&difficulty=).
import { DifficultySchema } from "@circus/scenario";
import Link from "next/link";
import type { CatalogFilter } from "../../catalog/filter-catalog";
import { difficultyLabel } from "./scenario-meta";

export function CatalogFilters({ filter, tags }: { filter: CatalogFilter; tags: readonly string[] }) {
  const active = Boolean(filter.q || filter.tag || filter.difficulty);
  return (
    <search aria-label="Search scenarios">
      <form className="filters" method="get" action="/">
        <div className="field field-grow">
          <label htmlFor="q">Search</label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={filter.q ?? ""}
            placeholder="e.g. containers, networking"
          />
        </div>
        <div className="field">
          <label htmlFor="tag">Tag</label>
          <select id="tag" name="tag" defaultValue={filter.tag ?? ""}>
            <option value="">All tags</option>
            {tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="difficulty">Difficulty</label>
          <select id="difficulty" name="difficulty" defaultValue={filter.difficulty ?? ""}>
            <option value="">Any difficulty</option>
            {DifficultySchema.options.map((difficulty) => (
              <option key={difficulty} value={difficulty}>
                {difficultyLabel(difficulty)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit">Apply</button>
          {active ? (
            <Link href="/" className="clear-link">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
    </search>
  );
}
