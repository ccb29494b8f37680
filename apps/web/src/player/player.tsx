"use client";
// The player of one run: starts from the run's view as the page was rendered, follows the environment's
// start (pushed by the server, run-follower.ts), then shows the workspace; sends the learner to the finish
// page once the last step is done.
import { useRouter } from "next/router";
import { useEffect, useState } from "react";
import type { PlayerEditor, PlayerStep } from "./player-step";
import { startRun } from "./run-api";
import { followRun } from "./run-follower";
import { isOver, isStarting, type RunView } from "./run-view";
import { SavedLabScreen } from "./saved-lab-screen";
import { StartProgress } from "./start-progress";
import { documentNonce, stampStyleNonces } from "./style-nonce";
import { Workspace } from "./workspace";

export interface PlayerProps {
  runId: string;
  scenarioId: string;
  scenarioTitle: string;
  steps: PlayerStep[];
  editor?: PlayerEditor;
  /** The run as the server rendered the page (no round trip when its lab is ready already). */
  initialRun?: RunView;
}

export function Player({ runId, scenarioId, scenarioTitle, steps, editor, initialRun }: PlayerProps) {
  const router = useRouter();
  const [run, setRun] = useState<RunView | undefined>(initialRun);
  const [failure, setFailure] = useState<string | undefined>();
  const [retrying, setRetrying] = useState(false);
  const [resumeReport, setResumeReport] = useState<string | undefined>();

  // The CSP nonce for the <style> elements xterm.js and CodeMirror create (before either loads).
  const [nonce, setNonce] = useState("");
  useEffect(() => {
    const found = documentNonce();
    stampStyleNonces(found);
    setNonce(found);
  }, []);

  // Follow the run while its environment is starting; stop when it is ready or failed.
  const following = run === undefined || isStarting(run);
  useEffect(() => {
    if (!following) return;
    return followRun({
      runId,
      onRun: (next) => {
        setRun(next);
        setFailure(undefined);
      },
      onError: setFailure,
    });
  }, [runId, following]);

  const finished = run !== undefined && (run.currentStep >= steps.length || run.status === "finished");
  useEffect(() => {
    if (finished) void router.push(`/runs/${encodeURIComponent(runId)}/finish`);
  }, [finished, router, runId]);

  const retry = async () => {
    setRetrying(true);
    try {
      const next = await startRun(scenarioId);
      if (next.id === runId) setRun(next);
      else void router.replace(`/runs/${encodeURIComponent(next.id)}`);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setRetrying(false);
    }
  };

  if (!run) {
    return (
      <div className="player-message" data-state="loading">
        <p role="status">{failure ?? "Loading your session…"}</p>
      </div>
    );
  }
  if (isStarting(run) || run.status === "failed") {
    return (
      <div className="player-message">
        <h1>{scenarioTitle}</h1>
        <StartProgress run={run} onRetry={retry} retrying={retrying} />
        {failure ? <p role="alert">{failure}</p> : null}
      </div>
    );
  }
  if (isOver(run) && !finished) {
    return (
      <div className="player-message" data-state={run.status}>
        <h1>{scenarioTitle}</h1>
        <p role="status">
          {run.status === "expired" ? "This session ran out of time." : "This session was stopped."} Its sandbox is
          gone.
        </p>
        <p>
          <button type="button" onClick={retry} disabled={retrying}>
            Start again
          </button>{" "}
          <a href="/">Back to the catalog</a>
        </p>
      </div>
    );
  }
  if (finished) return <p role="status">Finishing…</p>;
  if (run.status === "saved") {
    return (
      <SavedLabScreen
        run={run}
        scenarioTitle={scenarioTitle}
        onResumed={({ run: resumed, resumed: report }) => {
          setResumeReport(
            `Resumed at step ${report.step + 1}. Carried over: ${report.keeps}. Not carried over: ${report.notCarriedOver.join("; ")}.`,
          );
          setRun(resumed);
        }}
      />
    );
  }
  return (
    <>
      {resumeReport ? (
        <p className="resume-report" data-testid="resume-report">
          {resumeReport}
        </p>
      ) : null}
      <Workspace
        run={run}
        scenarioTitle={scenarioTitle}
        steps={steps}
        editor={editor}
        nonce={nonce}
        onRunChange={setRun}
      />
    </>
  );
}
