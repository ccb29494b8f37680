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

export function FormatBadge({ format }: { format: ScenarioFormat }) {
  if (format !== "katacoda") return null;
  return (
    <span className="badge" title="Written in the KataCoda/Killercoda format">
      KataCoda
    </span>
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
