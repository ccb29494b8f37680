// The small facts shown about a scenario on its card and its page: difficulty, duration, steps, format.
import type { Difficulty, ScenarioFormat } from "@circus/scenario";
import type { CatalogEntry } from "../../catalog/catalog";

const DIFFICULTY_LABELS: Record<Difficulty, string> = {
  beginner: "Beginner",
  intermediate: "Intermediate",
  advanced: "Advanced",
};

export function difficultyLabel(difficulty: Difficulty): string {
  return DIFFICULTY_LABELS[difficulty];
}

const FORMAT_BADGES: Partial<Record<ScenarioFormat, { label: string; title: string }>> = {
  katacoda: { label: "KataCoda", title: "Written for KataCoda (index.json), run unchanged" },
  killercoda: { label: "Killercoda", title: "Written for Killercoda (index.json), run unchanged" },
};

export function FormatBadge({ format }: { format: ScenarioFormat }) {
  const badge = FORMAT_BADGES[format];
  if (!badge) return null;
  return (
    <span className="badge" title={badge.title}>
      {badge.label}
    </span>
  );
}

/** What the scenario's original environment had that this deployment cannot start (e.g. its Kubernetes cluster). */
export function UnavailableNote({ text, id }: { text: string | undefined; id?: string }) {
  if (!text) return null;
  return (
    <p className="unavailable" id={id}>
      {text}
    </p>
  );
}

export function ScenarioFacts({ entry }: { entry: CatalogEntry }) {
  return (
    <dl className="facts">
      <div>
        <dt>Difficulty</dt>
        <dd className={`difficulty difficulty-${entry.difficulty}`}>{difficultyLabel(entry.difficulty)}</dd>
      </div>
      {entry.durationMinutes ? (
        <div>
          <dt>Duration</dt>
          <dd>{entry.durationMinutes} min</dd>
        </div>
      ) : null}
      <div>
        <dt>Steps</dt>
        <dd>{entry.stepCount}</dd>
      </div>
    </dl>
  );
}
