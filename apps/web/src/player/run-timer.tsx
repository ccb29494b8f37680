"use client";
// Time left in the environment, with Extend (more time) and Stop (end it now, after a confirmation).
import { useEffect, useState } from "react";
import { formatDuration } from "./format-duration";

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

  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const left = now === undefined ? undefined : Math.max(0, Date.parse(expiresAt) - now);
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
      <button type="button" onClick={() => act(onExtend)} disabled={busy}>
        Extend
      </button>
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={() => act(onStop)} disabled={busy}>
            Stop now
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep going
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
          Stop
        </button>
      )}
    </div>
  );
}
