// The dashboard's table: one row per learner, one column per step of each scenario (done, current or
// not yet), then the current step, its check results, the time on it and the stuck flag. Data attributes
// carry the same facts for tests; nothing depends on hover.
import { formatDuration } from "../player/format-duration";
import { secondsOnStep } from "./dashboard-state";
import type { DashboardRow, WorkshopScenario } from "./workshop-schemas";

export interface LearnerTableProps {
  rows: readonly DashboardRow[];
  scenarios: readonly WorkshopScenario[];
  now: number;
  watching: string | undefined;
  onWatch: (row: DashboardRow) => void;
  /** Replays the row's terminal recordings (its latest run), also after the run or workshop ended. */
  onReplay: (row: DashboardRow) => void;
  replaying: string | undefined;
}

const STUCK_REASON: Record<NonNullable<DashboardRow["stuckReason"]>, string> = {
  failed_checks: "several failed checks",
  long_on_step: "a long time on this step",
};

export function LearnerTable({ rows, scenarios, now, watching, onWatch, onReplay, replaying }: LearnerTableProps) {
  if (rows.length === 0) return <p className="muted">Nobody has joined yet. Share the join code or the QR code.</p>;
  return (
    <div className="table-scroll">
      <table className="learner-table">
        <caption className="visually-hidden">Learners and their progress</caption>
        <thead>
          <tr>
            <th scope="col">Learner</th>
            {scenarios.flatMap((scenario) =>
              scenario.steps.map((step) => (
                <th scope="col" key={`${scenario.id}:${step.index}`} className="step-column" title={step.title}>
                  <span aria-hidden="true">{step.index + 1}</span>
                  <span className="visually-hidden">
                    {scenario.title}, step {step.index + 1}: {step.title}
                  </span>
                </th>
              )),
            )}
            <th scope="col">Current step</th>
            <th scope="col">Checks</th>
            <th scope="col">Time on step</th>
            <th scope="col">Stuck</th>
            <th scope="col">Terminal</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const seconds = secondsOnStep(row, now);
            return (
              <tr
                key={row.participantId}
                data-participant-id={row.participantId}
                data-learner={row.displayName}
                data-status={row.status ?? "not_started"}
                data-current-step={row.currentStep ?? ""}
                data-checks-passed={row.checks.passed}
                data-checks-failed={row.checks.failed}
                data-stuck={row.stuck}
              >
                <th scope="row">{row.displayName}</th>
                {scenarios.flatMap((scenario) => {
                  const progress = row.scenarios.find((entry) => entry.scenarioId === scenario.id);
                  return scenario.steps.map((step) => {
                    const state = progress?.completedSteps.includes(step.index)
                      ? "done"
                      : progress?.currentStep === step.index
                        ? "current"
                        : "todo";
                    return (
                      <td
                        key={`${scenario.id}:${step.index}`}
                        className={`step-cell step-${state}`}
                        data-step-state={state}
                      >
                        <span aria-hidden="true">{state === "done" ? "✓" : state === "current" ? "●" : ""}</span>
                        <span className="visually-hidden">{state === "todo" ? "not yet" : state}</span>
                      </td>
                    );
                  });
                })}
                <td data-cell="step">{stepLabel(row)}</td>
                <td data-cell="checks">
                  {row.checks.passed} passed, {row.checks.failed} failed
                </td>
                <td data-cell="time">{seconds === null ? "—" : formatDuration(seconds * 1000)}</td>
                <td data-cell="stuck">
                  {row.stuck ? (
                    <span className="stuck-flag">
                      Stuck{row.stuckReason ? `: ${STUCK_REASON[row.stuckReason]}` : ""}
                    </span>
                  ) : (
                    "No"
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={row.status !== "ready"}
                    aria-pressed={watching === row.participantId}
                    onClick={() => onWatch(row)}
                  >
                    Watch terminal<span className="visually-hidden"> of {row.displayName}</span>
                  </button>{" "}
                  <button
                    type="button"
                    className="secondary"
                    disabled={row.runId === null}
                    aria-pressed={replaying === row.participantId}
                    onClick={() => onReplay(row)}
                  >
                    Replay<span className="visually-hidden"> the terminals of {row.displayName}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function stepLabel(row: DashboardRow): string {
  if (row.status === null) return "Not started";
  if (row.status === "starting") return "Starting…";
  if (row.status === "finished") return "Finished";
  if (row.status !== "ready") return `Run ${row.status}`;
  if (row.currentStep === null) return "—";
  return `${row.currentStep + 1}. ${row.stepTitle ?? ""}`.trim();
}
