"use client";
// Ends the workshop after a confirmation (in the page, not a browser dialog): every learner's environment
// is destroyed and learners see the closing page.
import { useState } from "react";
import { endWorkshop } from "./workshop-api";

export function EndWorkshopButton({ workshopId, onEnded }: { workshopId: string; onEnded: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  const end = async () => {
    setBusy(true);
    try {
      await endWorkshop(workshopId);
      onEnded();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        End workshop
      </button>
    );
  }
  return (
    <fieldset className="confirm">
      <legend className="visually-hidden">Confirm the end</legend>
      <p>Every learner's sandbox will be destroyed and they will see the closing page.</p>
      <button type="button" className="danger" onClick={end} disabled={busy}>
        {busy ? "Ending…" : "Yes, end it now"}
      </button>
      <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
        Cancel
      </button>
      {failure ? <p role="alert">{failure}</p> : null}
    </fieldset>
  );
}
