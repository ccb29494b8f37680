"use client";
// The instructor's page of one workshop, live: how to join (code, link, QR), the reserved environments
// that are ready, the learners' table and the funnel from the dashboard's event stream, a read-only view
// of one learner's terminal, a message to everyone, the end and the results.
import { useCallback, useReducer, useState } from "react";
import { RecordingsReplay } from "../recordings-ui/recordings-replay";
import { BroadcastBox } from "./broadcast-box";
import { applyDashboardEvent, DASHBOARD_EVENTS, type DashboardEventName, INITIAL_DASHBOARD } from "./dashboard-state";
import { EndWorkshopButton } from "./end-workshop-button";
import { FunnelChart } from "./funnel-chart";
import { LearnerTable } from "./learner-table";
import { ObserverTerminal } from "./observer-terminal";
import { useEventSource, useNow } from "./use-event-source";
import { dashboardEventsPath, resultsCsvPath } from "./workshop-api";
import type { DashboardRow, InstructorWorkshop } from "./workshop-schemas";
import "./workshops.css";

export function WorkshopConsole({ workshop }: { workshop: InstructorWorkshop }) {
  const [state, dispatch] = useReducer(
    (current: typeof INITIAL_DASHBOARD, event: { name: DashboardEventName; data: string }) =>
      applyDashboardEvent(current, event.name, event.data),
    INITIAL_DASHBOARD,
  );
  const onEvent = useCallback((name: string, data: string) => dispatch({ name: name as DashboardEventName, data }), []);
  const stream = useEventSource(dashboardEventsPath(workshop.id), DASHBOARD_EVENTS, onEvent);
  const now = useNow(1_000);
  const [watched, setWatched] = useState<DashboardRow | undefined>();
  const [replayed, setReplayed] = useState<DashboardRow | undefined>();
  const [endedHere, setEndedHere] = useState(workshop.endedAt !== null);
  const ended = endedHere || state.endedAt !== undefined;
  const reserve = state.reserve ?? workshop.reserve;
  const status = ended ? "ended" : state.loaded && stream === "live" ? "live" : stream;

  return (
    <div
      className="workshop-console"
      data-workshop-id={workshop.id}
      data-status={status}
      data-revision={state.revision}
    >
      <section className="join-panel" aria-labelledby="join-heading">
        <div>
          <h2 id="join-heading">Join</h2>
          <dl className="facts join-facts">
            <div>
              <dt>Code</dt>
              <dd className="join-code" data-testid="join-code" data-code={workshop.joinCode}>
                {workshop.joinCodeDisplay}
              </dd>
            </div>
            <div>
              <dt>Link</dt>
              <dd>
                <a href={workshop.joinPath} data-testid="join-link">
                  {workshop.joinUrl}
                </a>
              </dd>
            </div>
          </dl>
          <p className="reserve" data-testid="reserve" data-ready={reserve.ready} data-target={reserve.target}>
            {reserve.target > 0
              ? `${reserve.ready} of ${reserve.target} reserved environments ready${reserve.creating > 0 ? `, ${reserve.creating} starting` : ""}`
              : ended
                ? "No environments are reserved: the workshop has ended."
                : "No environments are reserved right now (the reservation opens before the start)."}
          </p>
        </div>
        {/* The server's SVG as an image: the page's CSP allows same-origin images, and nothing inline. */}
        {/* biome-ignore lint/performance/noImgElement: an API-served SVG, not an optimizable asset */}
        <img
          className="qr"
          src={workshop.qrPath}
          alt={`QR code of the join link ${workshop.joinUrl}`}
          width={180}
          height={180}
        />
      </section>

      <section aria-labelledby="learners-heading">
        <div className="section-heading">
          <h2 id="learners-heading">Learners</h2>
          <p className="stream-status" role="status">
            {status === "live"
              ? `Live · ${state.rows.length} of ${workshop.capacity} seats taken`
              : status === "ended"
                ? "The workshop has ended."
                : status === "closed"
                  ? "The live view stopped. Reload the page."
                  : "Connecting to the live view…"}
          </p>
        </div>
        <LearnerTable
          rows={state.rows}
          scenarios={workshop.scenarios}
          now={now}
          watching={watched?.participantId}
          onWatch={(row) => setWatched(row)}
          replaying={replayed?.participantId}
          onReplay={(row) => setReplayed(row)}
        />
        {replayed?.runId ? (
          <RecordingsReplay
            key={replayed.runId}
            listUrl={`/api/workshops/${encodeURIComponent(workshop.id)}/runs/${encodeURIComponent(replayed.runId)}/recordings`}
            heading={`Terminals of ${replayed.displayName}`}
          />
        ) : null}
        {watched && !ended ? (
          <ObserverTerminal
            key={watched.participantId}
            workshopId={workshop.id}
            participantId={watched.participantId}
            displayName={watched.displayName}
            onClose={() => setWatched(undefined)}
          />
        ) : null}
      </section>

      <section aria-labelledby="funnel-heading">
        <h2 id="funnel-heading">Funnel</h2>
        <FunnelChart funnel={state.funnel} participants={state.rows.length} />
      </section>

      <section aria-labelledby="actions-heading" className="workshop-actions">
        <h2 id="actions-heading">Message, end and results</h2>
        {ended ? null : <BroadcastBox workshopId={workshop.id} />}
        <div className="action-row">
          {ended ? null : <EndWorkshopButton workshopId={workshop.id} onEnded={() => setEndedHere(true)} />}
          <a className="button-link secondary" href={resultsCsvPath(workshop.id)} download>
            Download CSV
          </a>
        </div>
      </section>
    </div>
  );
}
