"use client";
// A saved run's page: the lab is not running (its hosts were checkpointed and removed); "Resume" brings
// it back on the same step and reports what could not be carried over.
import { useState } from "react";
import { resumeRun } from "./run-api";
import type { ResumeResult, RunView } from "./run-view";

export interface SavedLabScreenProps {
  run: RunView;
  scenarioTitle: string;
  onResumed: (result: ResumeResult) => void;
}

export function SavedLabScreen({ run, scenarioTitle, onResumed }: SavedLabScreenProps) {
  const [resuming, setResuming] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const step = run.steps[run.currentStep];
  const resume = async () => {
    setResuming(true);
    setFailure(undefined);
    try {
      onResumed(await resumeRun(run.id));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setResuming(false);
    }
  };
  return (
    <div className="player-message" data-state="saved">
      <h1>{scenarioTitle}</h1>
      <p role="status">
        This lab is saved at step {run.currentStep + 1}
        {step?.title ? ` (${step.title})` : ""}. Its files are kept; resume it to go on.
      </p>
      <p>
        <button type="button" className="primary" onClick={() => void resume()} disabled={resuming}>
          {resuming ? "Resuming…" : "Resume"}
        </button>{" "}
        <a href="/labs">My labs</a>
      </p>
      {failure ? <p role="alert">{failure}</p> : null}
    </div>
  );
}
