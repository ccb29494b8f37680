// A scenario's page: its facts, introduction and steps, and Start. Served by the Pages Router, as the
// player is: Start opens a ready lab's first terminal and navigates client-side, so the player takes that
// socket over (a navigation between the two routers would reload the document and drop it).
import { renderMarkdown } from "@circus/scenario";
import type { GetServerSideProps } from "next";
import Head from "next/head";
import { FormatBadge, ScenarioFacts } from "../../app/_components/scenario-meta";
import { type CatalogEntry, summarizeScenario } from "../../catalog/catalog";
import { getScenario } from "../../catalog/catalog-store";
import { jsonProps } from "../../player-pages/json-props";
import { PageNotFound } from "../../player-pages/page-not-found";
import { themeFromCookieHeader } from "../../player-pages/page-theme";
import { StartButton } from "../../player-pages/start-button";
import type { ShellProps } from "../_app";

/** What the page shows of the scenario (rendered on the server; the scenario itself stays there). */
interface ScenarioPageView {
  id: string;
  title: string;
  description?: string;
  format: CatalogEntry["format"];
  entry: CatalogEntry;
  tags: string[];
  credits?: string;
  unavailable?: string;
  introTitle: string;
  introHtml: string;
  stepTitles: string[];
}

type ScenarioPageProps = ShellProps & ({ found: false } | { found: true; scenario: ScenarioPageView });

export const getServerSideProps: GetServerSideProps<ScenarioPageProps, { id: string }> = async ({
  req,
  res,
  params,
}) => {
  const theme = themeFromCookieHeader(req.headers.cookie);
  const scenario = getScenario(params?.id ?? "");
  if (!scenario) {
    res.statusCode = 404;
    return { props: { theme, found: false } };
  }
  // Port links point nowhere until environments run; the player will resolve them.
  const introHtml = renderMarkdown(scenario.intro.markdown, {
    hosts: scenario.hosts.map((host) => host.name),
    portUrl: () => "#",
  });
  const view: ScenarioPageView = {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description || undefined,
    format: scenario.format,
    entry: summarizeScenario(scenario),
    tags: scenario.tags,
    credits: scenario.credits || undefined,
    unavailable: scenario.unavailable,
    introTitle: scenario.intro.title || "Introduction",
    introHtml,
    stepTitles: scenario.steps.map((step, index) => step.title || `Step ${index + 1}`),
  };
  return { props: jsonProps({ theme, found: true, scenario: view }) };
};

export default function ScenarioPage(props: ScenarioPageProps) {
  if (!props.found) {
    return <PageNotFound />;
  }
  const { scenario } = props;
  return (
    <article className="scenario" key={scenario.id}>
      <Head>
        <title>{`${scenario.title} · Circus`}</title>
        {scenario.description ? <meta name="description" key="description" content={scenario.description} /> : null}
      </Head>
      <p className="breadcrumb">
        <a href="/">← All scenarios</a>
      </p>
      <header className="scenario-header">
        <div className="card-heading">
          <h1>{scenario.title}</h1>
          <FormatBadge format={scenario.format} />
        </div>
        {scenario.description ? <p className="lede">{scenario.description}</p> : null}
        <ScenarioFacts entry={scenario.entry} />
        {scenario.tags.length > 0 ? (
          <ul className="tags" aria-label="Tags">
            {scenario.tags.map((tag) => (
              <li key={tag}>
                <a href={`/?tag=${encodeURIComponent(tag)}`} className="tag">
                  {tag}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        {scenario.credits ? <p className="credits">Credits: {scenario.credits}</p> : null}
      </header>

      <StartButton scenarioId={scenario.id} unavailable={scenario.unavailable} />

      <section aria-labelledby="intro-heading">
        <h2 id="intro-heading">{scenario.introTitle}</h2>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes its output, so only safe HTML reaches the page. */}
        <div className="prose" data-testid="intro" dangerouslySetInnerHTML={{ __html: scenario.introHtml }} />
      </section>

      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        {scenario.stepTitles.length > 0 ? (
          <ol className="steps">
            {scenario.stepTitles.map((title, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the steps are a fixed list; titles may repeat.
              <li key={index}>{title}</li>
            ))}
          </ol>
        ) : (
          <p>This scenario has no steps yet.</p>
        )}
      </section>
    </article>
  );
}
