import { renderMarkdown } from "@circus/scenario";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { summarizeScenario } from "../../../catalog/catalog";
import { getScenario } from "../../../catalog/catalog-store";
import { FormatBadge, ScenarioFacts } from "../../_components/scenario-meta";
import { StartButton } from "./start-button";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const scenario = getScenario((await params).id);
  return scenario ? { title: scenario.title, description: scenario.description } : {};
}

export default async function ScenarioPage({ params }: { params: Params }) {
  const scenario = getScenario((await params).id);
  if (!scenario) notFound();
  const entry = summarizeScenario(scenario);
  // Port links point nowhere until environments run; the player will resolve them.
  const introHtml = renderMarkdown(scenario.intro.markdown, {
    hosts: scenario.hosts.map((host) => host.name),
    portUrl: () => "#",
  });
  return (
    <article className="scenario">
      <p className="breadcrumb">
        <Link href="/">← All scenarios</Link>
      </p>
      <header className="scenario-header">
        <div className="card-heading">
          <h1>{scenario.title}</h1>
          <FormatBadge format={scenario.format} />
        </div>
        {scenario.description ? <p className="lede">{scenario.description}</p> : null}
        <ScenarioFacts entry={entry} />
        {scenario.tags.length > 0 ? (
          <ul className="tags" aria-label="Tags">
            {scenario.tags.map((tag) => (
              <li key={tag}>
                <Link href={`/?tag=${encodeURIComponent(tag)}`} className="tag">
                  {tag}
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
        {scenario.credits ? <p className="credits">Credits: {scenario.credits}</p> : null}
      </header>

      <StartButton scenarioId={scenario.id} unavailable={scenario.unavailable} />

      <section aria-labelledby="intro-heading">
        <h2 id="intro-heading">{scenario.intro.title || "Introduction"}</h2>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes its output, so only safe HTML reaches the page. */}
        <div className="prose" data-testid="intro" dangerouslySetInnerHTML={{ __html: introHtml }} />
      </section>

      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        {scenario.steps.length > 0 ? (
          <ol className="steps">
            {scenario.steps.map((step, index) => (
              <li key={`${step.source.file}:${step.source.line}`}>{step.title || `Step ${index + 1}`}</li>
            ))}
          </ol>
        ) : (
          <p>This scenario has no steps yet.</p>
        )}
      </section>
    </article>
  );
}
