"use client";
// Starts (or resumes) the learner's run of a scenario and opens the player; a refusal (429: too many
// starts, or no capacity) shows the server's message. Once the page is idle it loads xterm.js and the
// player page's own scripts, which the player needs first, and a ready lab's first terminal socket opens before the navigation
// (terminal-link.ts): a click on Start waits for the lab, not for the terminal's code or its shell.
import Router, { useRouter } from "next/router";
import { useEffect, useState } from "react";
import { startRun } from "../player/run-api";
import { openFirstTerminalAhead } from "../player/terminal-link";

/** `unavailable`: what the original environment had that this deployment cannot start; said beside Start. */
export function StartButton({ scenarioId, unavailable }: { scenarioId: string; unavailable?: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  // Disabled until hydrated: a click before React attaches its handler would do nothing.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(preloadPlayer, []);

  const start = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      const run = await startRun(scenarioId);
      openFirstTerminalAhead(run);
      void router.push(`/runs/${encodeURIComponent(run.id)}`);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return (
    <div className="start">
      <button
        type="button"
        className="primary"
        onClick={start}
        disabled={!hydrated || busy}
        aria-describedby="start-note"
      >
        {busy ? "Starting…" : "Start"}
      </button>
      {message ? (
        <p id="start-note" role="alert" className="error">
          {message}
        </p>
      ) : (
        <p id="start-note">
          A private sandbox starts for you, with a terminal in the browser.
          {unavailable ? <strong className="unavailable"> {unavailable}</strong> : null}
        </p>
      )}
    </div>
  );
}

/** Loads the player page's and the terminal's modules when the browser is idle (they stay cached). */
function preloadPlayer(): () => void {
  const load = () => {
    // Any run's address: the route's scripts are the same for every run.
    void Router.prefetch("/runs/preload").catch(() => undefined);
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit"), import("@xterm/addon-web-links")]).catch(
      () => undefined,
    );
  };
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(load, { timeout: 2_000 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = setTimeout(load, 500);
  return () => clearTimeout(timer);
}
