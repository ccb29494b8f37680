"use client";
// A terminal's output as plain text: a focusable, scrollable block that screen readers read line by line
// with their usual keys and the browser's find searches, plus a filter that keeps the matching lines.
import { useId, useState } from "react";

export function TerminalTranscript({ title, text, onClose }: { title: string; text: string; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const headingId = useId();
  const filterId = useId();
  const needle = query.trim().toLowerCase();
  const lines = text === "" ? [] : text.split("\n");
  const shown = needle ? lines.filter((line) => line.toLowerCase().includes(needle)) : lines;
  return (
    <section className="transcript" aria-labelledby={headingId} data-testid="transcript">
      <div className="transcript-bar">
        <h2 id={headingId} className="transcript-title">
          Transcript of {title}
        </h2>
        <label htmlFor={filterId}>Find</label>
        <input
          id={filterId}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Show lines containing…"
        />
        <button type="button" className="secondary" onClick={onClose}>
          Close transcript
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {needle ? `${shown.length} of ${lines.length} lines match.` : ""}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the transcript scrolls; keyboard users need to focus it to scroll and read it. */}
      <section className="transcript-text" tabIndex={0} aria-label={`Output of ${title}`}>
        <pre>{shown.join("\n")}</pre>
      </section>
    </section>
  );
}
