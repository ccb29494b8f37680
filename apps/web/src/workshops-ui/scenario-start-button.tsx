"use client";
// Starts (or resumes) the learner's run of one of the workshop's scenarios, through the same runs API as
// the catalog's Start button; the server places it in the workshop (reserved environment, workshop TTL). A ready lab's first terminal opens during the navigation.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { startRun } from "../player/run-api";
import { openFirstTerminalAhead } from "../player/terminal-link";

export function ScenarioStartButton({ scenarioId, title }: { scenarioId: string; title: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const start = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const run = await startRun(scenarioId);
      openFirstTerminalAhead(run);
      router.push(`/runs/${encodeURIComponent(run.id)}`);
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
