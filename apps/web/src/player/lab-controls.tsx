"use client";
// The lab's own controls in the workspace bar: "Rewind to the start of step N" (the hosts come back as
// they were when step N-1 passed, its setup runs again, the terminals reconnect) and "Save and leave" (only
// where the run view says saving is allowed: a workshop may forbid it).
import { useState } from "react";
import { rewindRun, saveRun } from "./run-api";
import type { RunView } from "./run-view";

export interface LabControlsProps {
  run: RunView;
  onRunChange: (run: RunView) => void;
  /** Told after a rewind: the terminals reconnect to the new containers and the step shows again. */
  onRewound: () => void;
  /** Says what happened in the workspace's status line. */
  onNotice: (text: string) => void;
}

export function LabControls({ run, onRunChange, onRewound, onNotice }: LabControlsProps) {
  const reachable = run.steps.filter((step) => step.index <= run.currentStep);
  // The current step until the learner picks another (the list grows as they advance).
  const [picked, setPicked] = useState<number | undefined>();
  const [busy, setBusy] = useState<"rewinding" | "saving" | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const step = picked !== undefined && picked <= run.currentStep ? picked : run.currentStep;

  const rewind = async () => {
    setBusy("rewinding");
    setFailure(undefined);
    try {
      const result = await rewindRun(run.id, step);
      const { rewound } = result;
      const origin =
        rewound.from === "checkpoint"
          ? `the hosts' files are as they were when step ${rewound.step} passed`
          : "the hosts started again from the scenario's start";
      const failed =
        rewound.failedSetups.length > 0
          ? ` The setup of step ${rewound.failedSetups.map((index) => index + 1).join(", ")} failed.`
          : "";
      setPicked(undefined);
      onRunChange(result.run);
      onRewound();
      onNotice(
        `Rewound to the start of step ${rewound.step + 1}: ${origin}. Kept: ${rewound.keeps}. Not kept: ${rewound.loses}.${failed}`,
      );
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(undefined);
    }
  };

  const save = async () => {
    setBusy("saving");
    setFailure(undefined);
    try {
      onRunChange((await saveRun(run.id)).run);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setBusy(undefined);
    }
  };

  return (
    <div className="lab-controls" data-busy={busy}>
      <label>
        <span className="visually-hidden">Step to rewind to</span>
        <select
          value={step}
          onChange={(event) => setPicked(Number(event.target.value))}
          disabled={busy !== undefined}
          title="Rewinding keeps the hosts' files; running processes and /tmp, /run are not kept"
        >
          {reachable.map((entry) => (
            <option key={entry.index} value={entry.index}>
              Step {entry.index + 1}
              {entry.title ? `: ${entry.title}` : ""}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="secondary" onClick={() => void rewind()} disabled={busy !== undefined}>
        {busy === "rewinding" ? "Rewinding…" : `Rewind to the start of step ${step + 1}`}
      </button>
      {run.savingAllowed ? (
        <button type="button" className="secondary" onClick={() => void save()} disabled={busy !== undefined}>
          {busy === "saving" ? "Saving…" : "Save and leave"}
        </button>
      ) : null}
      {failure ? (
        <p role="alert" className="error">
          {failure}
        </p>
      ) : null}
    </div>
  );
}
