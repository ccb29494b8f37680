"use client";
// The saved labs of the learner (GET /api/labs): resume (the run's page), delete, and the storage used.
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { deleteMyLab, listMyLabs } from "../player/run-api";
import type { MyLabs } from "../player/run-view";

export function MyLabsList() {
  const [labs, setLabs] = useState<MyLabs | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();

  const load = useCallback(async () => {
    try {
      setLabs(await listMyLabs());
      setFailure(undefined);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (runId: string) => {
    setDeleting(runId);
    try {
      await deleteMyLab(runId);
      await load();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setDeleting(undefined);
    }
  };

  if (!labs) return <p role="status">{failure ?? "Loading your saved labs…"}</p>;
  return (
    <>
      <p data-testid="lab-storage">
        Storage used: {mebibytes(labs.usedBytes)} of {mebibytes(labs.capBytes)} MiB.
      </p>
      {labs.labs.length === 0 ? (
        <p>You have no saved labs.</p>
      ) : (
        <ul className="saved-labs" aria-label="Saved labs">
          {labs.labs.map((lab) => (
            <li key={lab.runId} data-run={lab.runId}>
              <h2>{lab.scenarioTitle}</h2>
              <p>
                Step {lab.step + 1}: {lab.stepTitle} · saved {new Date(lab.savedAt).toLocaleString()} · kept until{" "}
                {new Date(lab.expiresAt).toLocaleDateString()} · {mebibytes(lab.sizeBytes)} MiB
              </p>
              <p>
                <Link href={lab.url} className="button primary">
                  Resume {lab.scenarioTitle}
                </Link>{" "}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void remove(lab.runId)}
                  disabled={deleting !== undefined}
                >
                  {deleting === lab.runId ? "Deleting…" : `Delete ${lab.scenarioTitle}`}
                </button>
              </p>
            </li>
          ))}
        </ul>
      )}
      {failure ? <p role="alert">{failure}</p> : null}
    </>
  );
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
