"use client";
// Time left in the environment, with Extend (more time) and Stop (end it now, after a confirmation).
// Screen readers hear the time left when it crosses 10, 5 and 1 minutes, and after an Extend.
import { useEffect, useRef, useState } from "react";
import { formatDuration } from "./format-duration";
import { timeLeftAnnouncement } from "./time-left-announcement";

export function RunTimer({
  expiresAt,
  onExtend,
  onStop,
}: {
  expiresAt: string;
  onExtend: () => Promise<void>;
  onStop: () => Promise<void>;
}) {
  const [now, setNow] = useState<number | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const previousLeft = useRef<number | undefined>(undefined);
  const extended = useRef(false);
  const stopNowRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // The confirmation replaces the Stop button: focus follows it there and back, never to the page.
  useEffect(() => {
    if (confirming) stopNowRef.current?.focus();
    else if (wasConfirming.current) stopRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  useEffect(() => {
    if (!extended.current) return;
    extended.current = false;
    setAnnouncement(`Extended: ${formatDuration(Math.max(0, Date.parse(expiresAt) - Date.now()))} left.`);
  }, [expiresAt]);

  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const left = now === undefined ? undefined : Math.max(0, Date.parse(expiresAt) - now);
  useEffect(() => {
    if (left === undefined) return;
    const before = previousLeft.current;
    previousLeft.current = left;
    const due = before === undefined ? undefined : timeLeftAnnouncement(before, left);
    if (due) setAnnouncement(due);
  }, [left]);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <div className="run-timer">
      <span className={left !== undefined && left < 5 * 60_000 ? "time-left urgent" : "time-left"}>
        <span className="visually-hidden">Time left: </span>
        <time aria-live="off" dateTime={expiresAt}>
          {left === undefined ? "–" : formatDuration(left)}
        </time>
      </span>
      <button
        type="button"
        onClick={() =>
          act(async () => {
            extended.current = true;
            await onExtend().catch((error: unknown) => {
              extended.current = false;
              throw error;
            });
          })
        }
        disabled={busy}
      >
        Extend
      </button>
      {confirming ? (
        <>
          <button ref={stopNowRef} type="button" className="danger" onClick={() => act(onStop)} disabled={busy}>
            Stop now
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep going
          </button>
        </>
      ) : (
        <button ref={stopRef} type="button" onClick={() => setConfirming(true)} disabled={busy}>
          Stop
        </button>
      )}
      <p role="status" className="visually-hidden" data-testid="time-left-status">
        {announcement}
      </p>
    </div>
  );
}
