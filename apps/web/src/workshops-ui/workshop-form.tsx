"use client";
// A new workshop: title, the scenarios in order (picked from the catalog, moved with buttons, no
// dragging), start and end, capacity, the sandboxes' lifetime and how early environments are reserved.
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { createWorkshop } from "./workshop-api";
import { localDateTimeInput, moveItem, toIsoFromLocal } from "./workshop-form-values";
import "./workshops.css";

export interface ScenarioChoice {
  id: string;
  title: string;
}

export function WorkshopForm({ catalog }: { catalog: readonly ScenarioChoice[] }) {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [pick, setPick] = useState(catalog[0]?.id ?? "");
  const [startsAt, setStartsAt] = useState("");
  const [endsAt, setEndsAt] = useState("");
  const [capacity, setCapacity] = useState("30");
  const [ttlMinutes, setTtlMinutes] = useState("60");
  const [reserveMinutes, setReserveMinutes] = useState("15");
  const [allowSaving, setAllowSaving] = useState(true);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  // Times default to now and two hours later, in the browser's time zone (set after hydration).
  useEffect(() => {
    const now = Date.now();
    setStartsAt(localDateTimeInput(new Date(now)));
    setEndsAt(localDateTimeInput(new Date(now + 2 * 3600_000)));
  }, []);
  const titleOf = (id: string) => catalog.find((entry) => entry.id === id)?.title ?? id;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) return setFailure("Add at least one scenario.");
    setBusy(true);
    setFailure(undefined);
    try {
      const workshop = await createWorkshop({
        title,
        scenarioIds: chosen,
        startsAt: toIsoFromLocal(startsAt),
        endsAt: toIsoFromLocal(endsAt),
        capacity: Number(capacity),
        ttlSeconds: Number(ttlMinutes) * 60,
        reserveMinutes: Number(reserveMinutes),
        allowSaving,
      });
      router.push(`/instructor/workshops/${encodeURIComponent(workshop.id)}`);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };

  return (
    <form className="panel-form workshop-form" onSubmit={submit} aria-label="New workshop">
      <div className="field">
        <label htmlFor="workshop-title">Title</label>
        <input id="workshop-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>

      <fieldset>
        <legend>Scenarios, in order</legend>
        {chosen.length > 0 ? (
          <ol className="chosen-scenarios" aria-label="Chosen scenarios">
            {chosen.map((id, index) => (
              <li key={id}>
                <span>{titleOf(id)}</span>
                <button
                  type="button"
                  className="secondary"
                  disabled={index === 0}
                  onClick={() => setChosen((list) => moveItem(list, index, -1))}
                >
                  Up<span className="visually-hidden"> {titleOf(id)}</span>
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={index === chosen.length - 1}
                  onClick={() => setChosen((list) => moveItem(list, index, 1))}
                >
                  Down<span className="visually-hidden"> {titleOf(id)}</span>
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setChosen((list) => list.filter((other) => other !== id))}
                >
                  Remove<span className="visually-hidden"> {titleOf(id)}</span>
                </button>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No scenario yet.</p>
        )}
        <div className="inline-fields">
          <div className="field field-grow">
            <label htmlFor="workshop-scenario">Scenario from the catalog</label>
            <select id="workshop-scenario" value={pick} onChange={(e) => setPick(e.target.value)}>
              {catalog.map((entry) => (
                <option key={entry.id} value={entry.id} disabled={chosen.includes(entry.id)}>
                  {entry.title}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            disabled={!pick || chosen.includes(pick)}
            onClick={() => setChosen((list) => [...list, pick])}
          >
            Add scenario
          </button>
        </div>
      </fieldset>

      <div className="inline-fields">
        <DateTimeField id="workshop-start" label="Starts" value={startsAt} onChange={setStartsAt} />
        <DateTimeField id="workshop-end" label="Ends" value={endsAt} onChange={setEndsAt} />
      </div>
      <div className="inline-fields">
        <NumberField
          id="workshop-capacity"
          label="Capacity (learners)"
          min={1}
          max={1000}
          value={capacity}
          onChange={setCapacity}
        />
        <NumberField
          id="workshop-ttl"
          label="Sandbox lifetime (minutes)"
          min={1}
          max={1440}
          value={ttlMinutes}
          onChange={setTtlMinutes}
        />
        <NumberField
          id="workshop-reserve"
          label="Reserve environments from (minutes before the start)"
          min={0}
          max={1440}
          value={reserveMinutes}
          onChange={setReserveMinutes}
        />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={allowSaving} onChange={(event) => setAllowSaving(event.target.checked)} />{" "}
          Participants may save their labs and resume them later
        </label>
      </div>
      <button type="submit" className="primary" disabled={busy || !startsAt}>
        {busy ? "Creating…" : "Create workshop"}
      </button>
      {failure ? <p role="alert">{failure}</p> : null}
    </form>
  );
}

function DateTimeField(props: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="datetime-local"
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        required
        min={props.min}
        max={props.max}
        step={1}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
