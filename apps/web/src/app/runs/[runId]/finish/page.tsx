// The end of a run: how long it took, how many steps were done, the scenario's closing page and the
// next scenarios to try (others from the catalog sharing a tag).
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getCatalog, getScenario } from "../../../../catalog/catalog-store";
import { formatDuration } from "../../../../player/format-duration";
import { renderFor } from "../../../../player-pages/player-steps";
import { RecordingsReplay } from "../../../../recordings-ui/recordings-replay";
import { ScenarioCard } from "../../../_components/scenario-card";
import { countCompletedSteps, loadOwnedRun } from "../owned-run";
import { nextScenarios } from "./next-scenarios";

type Params = Promise<{ runId: string }>;

export const metadata: Metadata = { title: "Well done" };

export default async function FinishPage({ params }: { params: Params }) {
  const { runId } = await params;
  const run = await loadOwnedRun(runId);
  const scenario = run ? getScenario(run.scenarioId) : undefined;
  if (!run || !scenario) notFound();
  const completed = await countCompletedSteps(run.id);
  const end = run.finishedAt ?? new Date();
  const finishHtml = renderFor(scenario, run.id)(scenario.finish.markdown);
  const next = nextScenarios(getCatalog(), scenario);
  return (
    <article className="finish">
      <h1>{scenario.finish.title || `You finished “${scenario.title}”`}</h1>
      <dl className="facts finish-facts">
        <div>
          <dt>Time taken</dt>
          <dd data-testid="time-taken">{formatDuration(end.getTime() - run.startedAt.getTime())}</dd>
        </div>
        <div>
          <dt>Steps done</dt>
          <dd data-testid="steps-done">
            {completed} of {scenario.steps.length}
          </dd>
        </div>
      </dl>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes its output. */}
      <div className="prose" data-testid="finish-text" dangerouslySetInnerHTML={{ __html: finishHtml }} />
      {run.status === "ready" ? (
        <p>
          Your sandbox is still running: <a href={`/runs/${encodeURIComponent(run.id)}`}>go back to it</a>.
        </p>
      ) : null}
      <RecordingsReplay listUrl={`/api/runs/${encodeURIComponent(run.id)}/recordings`} heading="Replay your session" />
      <section aria-labelledby="next-heading">
        <h2 id="next-heading">Next scenarios</h2>
        {next.length > 0 ? (
          <ul className="card-grid" aria-label="Next scenarios">
            {next.map((entry) => (
              <li key={entry.id}>
                <ScenarioCard entry={entry} />
              </li>
            ))}
          </ul>
        ) : (
          <p>
            Nothing shares a tag with this one yet. <Link href="/">Browse all scenarios</Link>.
          </p>
        )}
      </section>
    </article>
  );
}
