// Follows a run while its lab starts: the server pushes each change of the run on one Server-Sent Events
// stream (/api/runs/:runId/events); when that stream fails (refused, dropped, a proxy that buffers, or a
// newer tab took it over), the run is read every few seconds instead. Framework-free, like the terminal's.

import { RunEnvelopeShape } from "../contract/contract-shapes";
import { hasShape } from "../contract/json-shape";
import { ApiError, getRun } from "./run-api";
import type { RunView } from "./run-view";

/** The slow poll used only when the push stream failed. */
export const FALLBACK_POLL_MS = 3_000;

export interface RunFollowerOptions {
  runId: string;
  /** Every view of the run, pushed or read. */
  onRun: (run: RunView) => void;
  /** A read failed (the stream falls back to polling, which keeps trying unless the run is gone: 404). */
  onError: (message: string) => void;
  fallbackPollMs?: number;
}

/** Starts following; returns the function that stops it (the stream closes, the poll ends). */
export function followRun(options: RunFollowerOptions): () => void {
  const { runId, onRun, onError } = options;
  const pollMs = options.fallbackPollMs ?? FALLBACK_POLL_MS;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let source: EventSource | undefined;

  const poll = async () => {
    timer = undefined;
    try {
      const run = await getRun(runId);
      if (stopped) return;
      onRun(run);
      timer = setTimeout(poll, pollMs);
    } catch (error) {
      if (stopped) return;
      onError(error instanceof Error ? error.message : String(error));
      if (!(error instanceof ApiError && error.status === 404)) timer = setTimeout(poll, pollMs);
    }
  };
  const fallBack = () => {
    source?.close();
    source = undefined;
    if (!stopped && timer === undefined) void poll();
  };

  if (typeof EventSource === "undefined") {
    void poll();
  } else {
    source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    source.addEventListener("run", (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        data = undefined;
      }
      if (!hasShape(RunEnvelopeShape, data)) {
        fallBack();
        return;
      }
      const { run } = data;
      // The server ends the stream after a run's last view: closing first keeps EventSource from reopening it.
      if (run.status !== "starting" && run.status !== "ready") source?.close();
      if (!stopped) onRun(run);
    });
    source.addEventListener("replaced", fallBack);
    // A refusal, a drop or the server's close: EventSource would retry on its own, the slow poll is surer.
    source.onerror = fallBack;
  }

  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    source = undefined;
  };
}
