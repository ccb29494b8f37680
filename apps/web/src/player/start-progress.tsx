"use client";
// While the environment starts: the stages the server reports, in order, and on failure the reason
// with a Retry button. Nothing is faked: the marked stage is the one the server last said.
import type { RunStage, RunView } from "./run-view";

const STAGES: { stage: RunStage; label: string }[] = [
  { stage: "queued", label: "Waiting for a free slot" },
  { stage: "creating", label: "Creating your environment" },
  { stage: "starting", label: "Starting its hosts and preparing files" },
  { stage: "ready", label: "Ready" },
];

export function StartProgress({ run, onRetry, retrying }: { run: RunView; onRetry: () => void; retrying: boolean }) {
  if (run.status === "failed") {
    return (
      <div className="start-progress" data-state="failed">
        <h2>The environment could not start</h2>
        <p role="alert">{run.error || "Something went wrong while starting it."}</p>
        <button type="button" onClick={onRetry} disabled={retrying}>
          {retrying ? "Retrying…" : "Retry"}
        </button>
      </div>
    );
  }
  const current = STAGES.findIndex((entry) => entry.stage === (run.stage ?? "queued"));
  return (
    <div className="start-progress" data-state="starting" data-stage={run.stage ?? "queued"}>
      <h2>Preparing your sandbox</h2>
      <ol className="stages">
        {STAGES.map((entry, index) => (
          <li
            key={entry.stage}
            aria-current={index === current ? "step" : undefined}
            data-done={index < current ? "true" : undefined}
          >
            {entry.label}
          </li>
        ))}
      </ol>
      <p role="status">{STAGES[Math.max(0, current)]?.label}…</p>
    </div>
  );
}
