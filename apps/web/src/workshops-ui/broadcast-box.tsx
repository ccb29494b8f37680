"use client";
// A message to every learner of the workshop, shown at once in their player.
import { type FormEvent, useState } from "react";
import { broadcastMessage } from "./workshop-api";

export function BroadcastBox({ workshopId }: { workshopId: string }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | undefined>();

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const delivered = await broadcastMessage(workshopId, text);
      setNote({ ok: true, text: `Sent to ${delivered} ${delivered === 1 ? "learner" : "learners"} online.` });
      setText("");
    } catch (error) {
      setNote({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="broadcast" onSubmit={send} aria-label="Broadcast">
      <div className="field field-grow">
        <label htmlFor="broadcast-text">Message to everyone</label>
        <textarea
          id="broadcast-text"
          value={text}
          maxLength={1000}
          rows={2}
          required
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <button type="submit" disabled={busy || text.trim() === ""}>
        Send
      </button>
      {note ? (
        <p role={note.ok ? "status" : "alert"} data-testid="broadcast-note">
          {note.text}
        </p>
      ) : null}
    </form>
  );
}
