import Link from "next/link";
import type { CatalogEntry } from "../../catalog/catalog";
import { FormatBadge, ScenarioFacts, UnavailableNote } from "./scenario-meta";

export function ScenarioCard({ entry }: { entry: CatalogEntry }) {
  return (
    <article className="card" data-scenario-id={entry.id}>
      <div className="card-heading">
        <h2>
          {/* A plain link: the scenario page is a Pages Router page, which the App Router would load again. */}
          <a href={`/scenarios/${entry.id}`}>{entry.title}</a>
        </h2>
        <FormatBadge format={entry.format} />
      </div>
      {entry.description ? <p className="card-description">{entry.description}</p> : null}
      <ScenarioFacts entry={entry} />
      <UnavailableNote text={entry.unavailable} />
      {entry.tags.length > 0 ? (
        <ul className="tags" aria-label="Tags">
          {entry.tags.map((tag) => (
            <li key={tag}>
              <Link href={`/?tag=${encodeURIComponent(tag)}`} className="tag">
                {tag}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
