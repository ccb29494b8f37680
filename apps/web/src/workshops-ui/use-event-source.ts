"use client";
// One EventSource for a component's lifetime: named events go to `onEvent`, the connection's state is
// returned (the browser reconnects by itself after a drop; a refused stream, e.g. 404, stays closed).
import { useEffect, useRef, useState } from "react";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export function useEventSource(
  path: string | undefined,
  events: readonly string[],
  onEvent: (event: string, data: string) => void,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const names = events.join(",");

  useEffect(() => {
    if (!path) return;
    const source = new EventSource(path);
    setStatus("connecting");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    const listeners = names.split(",").map((name) => {
      const listener = (event: MessageEvent<string>) => handler.current(name, event.data);
      source.addEventListener(name, listener);
      return () => source.removeEventListener(name, listener);
    });
    return () => {
      for (const remove of listeners) remove();
      source.close();
    };
  }, [path, names]);

  return status;
}

/** The current time, refreshed every `intervalMs` (for "time on step" that keeps counting). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
