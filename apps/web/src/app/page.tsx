import { getCatalog } from "../catalog/catalog-store";
import { filterCatalog, listTags, parseCatalogFilter } from "../catalog/filter-catalog";
import { groupByTalk } from "../catalog/group-by-talk";
import { CatalogFilters } from "./_components/catalog-filters";
import { ScenarioCard } from "./_components/scenario-card";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function CatalogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filter = parseCatalogFilter(await searchParams);
  const all = getCatalog();
  const entries = filterCatalog(all, filter);
  const filtered = Boolean(filter.q || filter.tag || filter.difficulty);
  return (
    <>
      <h1>Scenarios</h1>
      <CatalogFilters filter={filter} tags={listTags(all)} />
      <p className="result-count" role="status">
        {filtered ? `${entries.length} of ${all.length} scenarios` : `${all.length} scenarios`}
      </p>
      {entries.length > 0 ? (
        groupByTalk(entries).map((group) => (
          <section key={group.heading} className="talk-group" data-talk={group.tag ?? "none"}>
            <h2 className="talk-heading">{group.tag ? `From the talk: ${group.heading}` : group.heading}</h2>
            <ul className="card-grid" aria-label={group.heading}>
              {group.entries.map((entry) => (
                <li key={entry.id}>
                  <ScenarioCard entry={entry} />
                </li>
              ))}
            </ul>
          </section>
        ))
      ) : (
        <div className="empty-state">
          <h2>No scenarios found</h2>
          <p>
            {filtered
              ? "Nothing matches these filters. Try other words, or clear the filters."
              : "The catalog is empty: add scenario folders to the scenarios directory and restart Circus."}
          </p>
        </div>
      )}
    </>
  );
}
