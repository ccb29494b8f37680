"use client";
// The recordings of one run (its terminals), listed from the API, with a player for the chosen one.
// The finish page passes the learner's route, the instructor dashboard the workshop's.
import { useEffect, useState } from "react";
import { z } from "zod";
import { CastPlayer } from "./cast-player";
import "./recordings.css";

const RecordingList = z.object({
  recordings: z.array(
    z.object({
      id: z.string(),
      terminalId: z.string(),
      startedAt: z.string(),
      castBytes: z.number(),
      truncated: z.boolean(),
    }),
  ),
});
type RecordingItem = z.infer<typeof RecordingList>["recordings"][number];

export function RecordingsReplay({ listUrl, heading }: { listUrl: string; heading: string }) {
  const [items, setItems] = useState<RecordingItem[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [chosen, setChosen] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const response = await fetch(listUrl, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`The recordings could not be listed (HTTP ${response.status}).`);
        const { recordings } = RecordingList.parse(await response.json());
        if (cancelled) return;
        setItems(recordings);
        setChosen(recordings[0]?.id);
      } catch (failure) {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [listUrl]);

  const current = items?.find((item) => item.id === chosen);
  return (
    <section className="recordings-replay" aria-label={heading} data-testid="recordings-replay">
      <h2>{heading}</h2>
      {error ? <p role="alert">{error}</p> : null}
      {items === undefined && !error ? <p>Loading the recordings…</p> : null}
      {items && items.length === 0 ? <p>No terminal was recorded in this run.</p> : null}
      {items && items.length > 1 ? (
        <fieldset className="recording-tabs">
          <legend className="visually-hidden">Recorded terminals</legend>
          {items.map((item) => (
            <button
              key={item.id}
              type="button"
              className="secondary"
              aria-pressed={item.id === chosen}
              onClick={() => setChosen(item.id)}
            >
              Terminal {item.terminalId} · {new Date(item.startedAt).toLocaleTimeString()}
            </button>
          ))}
        </fieldset>
      ) : null}
      {current ? (
        <>
          <CastPlayer
            key={current.id}
            castUrl={`${listUrl}/${encodeURIComponent(current.id)}`}
            label={`Terminal ${current.terminalId}, recorded ${new Date(current.startedAt).toLocaleString()}`}
          />
          {current.truncated ? (
            <p className="recording-note">The recording stopped early: this run reached its recording size limit.</p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
