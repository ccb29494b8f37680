"use client";
// Live preview for `circus dev`: listens to the dev-scenario event stream and, when the scenario was
// reloaded from disk, re-runs the page's server part (the steps' HTML, through getServerSideProps) without touching the player's
// state or its terminals; while the files do not load, a banner lists the validation errors.
import { useRouter } from "next/router";
import { useEffect, useRef, useState } from "react";
import {
  DEV_SCENARIO_EVENT,
  type DevScenarioEvent,
  DevScenarioEventSchema,
  devScenarioEventsPath,
} from "../catalog/dev-scenario-event";

export function DevReload({ scenarioId }: { scenarioId: string }) {
  const router = useRouter();
  // The router changes with every navigation; the stream must not reconnect for that.
  const routerRef = useRef(router);
  routerRef.current = router;
  const [state, setState] = useState<DevScenarioEvent | undefined>();
  const [connected, setConnected] = useState(false);
  const seenVersion = useRef<number | undefined>(undefined);

  useEffect(() => {
    // EventSource reconnects by itself after a dropped connection (e.g. the server restarted).
    const source = new EventSource(devScenarioEventsPath(scenarioId));
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("error", () => setConnected(false));
    source.addEventListener(DEV_SCENARIO_EVENT, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      const parsed = DevScenarioEventSchema.safeParse(data);
      if (!parsed.success) return;
      const next = parsed.data;
      const changed = seenVersion.current !== undefined && next.version !== seenVersion.current;
      seenVersion.current = next.version;
      setState(next);
      // An invalid version changes nothing on the page: the server keeps serving the last valid one.
      if (changed && next.status === "valid") {
        const current = routerRef.current;
        void current.replace(current.asPath, undefined, { scroll: false });
      }
    });
    return () => source.close();
  }, [scenarioId]);

  const status = !connected ? "disconnected" : (state?.status ?? "connecting");
  return (
    <aside className="dev-reload" data-status={status} data-version={state?.version} aria-label="Live preview">
      <p className="dev-reload-badge">
        {status === "disconnected"
          ? "Live preview: reconnecting to circus dev…"
          : "Live preview: pages reload when you save a file"}
      </p>
      {state?.status === "invalid" ? (
        <div role="alert" className="dev-reload-errors">
          <p>
            <strong>The scenario does not load</strong> ({state.errors.length}{" "}
            {state.errors.length === 1 ? "error" : "errors"}); the page shows the last version that did.
          </p>
          <ul>
            {state.errors.map((error) => (
              <li key={`${error.file}:${error.line}:${error.column}:${error.code}`}>
                <code>
                  {error.file}:{error.line}:{error.column}
                </code>{" "}
                {error.message} <span className="dev-reload-code">[{error.code}]</span>
                {error.fix ? <span className="dev-reload-fix">fix: {error.fix}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </aside>
  );
}
