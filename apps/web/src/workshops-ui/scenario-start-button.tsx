"use client";
// Starts (or resumes) the learner's run of one of the workshop's scenarios, through the same runs API as
// the catalog's Start button; the server places it in the workshop (reserved environment, workshop TTL). The
// player is a Pages Router page, so this App Router page reaches it with a document load (no terminal socket
// opened ahead: it would not survive the load).
import { useEffect, useState } from "react";
import { startRun } from "../player/run-api";

export function ScenarioStartButton({ scenarioId, title }: { scenarioId: string; title: string }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const start = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const run = await startRun(scenarioId);
      window.location.assign(`/runs/${encodeURIComponent(run.id)}`);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return (
    <div className="start">
      <button type="button" className="primary" onClick={start} disabled={!hydrated || busy}>
        {busy ? "Starting…" : "Start"}
        <span className="visually-hidden"> {title}</span>
      </button>
      {failure ? (
        <p role="alert" className="error">
          {failure}
        </p>
      ) : null}
    </div>
  );
}
