"use client";
// Replays one terminal recording in the page: xterm.js (imported inside the effect, it touches `self`)
// driven by CastPlayback, with play/pause, speed, a seek bar, the markers as chapters, and a download.
import { useEffect, useRef, useState } from "react";
import { currentColorScheme, terminalTheme } from "../player/color-scheme";
import { documentNonce, stampStyleNonces } from "../player/style-nonce";
import { type CastFile, parseCastFile } from "./cast-file";
import { CastPlayback, type PlaybackState } from "./cast-playback";

const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export function CastPlayer({ castUrl, label }: { castUrl: string; label: string }) {
  const screenRef = useRef<HTMLDivElement | null>(null);
  const playbackRef = useRef<CastPlayback | undefined>(undefined);
  const [file, setFile] = useState<CastFile | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [position, setPosition] = useState(0);
  const [state, setState] = useState<PlaybackState | "loading">("loading");
  const [speed, setSpeed] = useState(1);

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    let disposed = false;
    const cleanups: Array<() => void> = [];
    void (async () => {
      try {
        const response = await fetch(castUrl, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`The recording could not be loaded (HTTP ${response.status}).`);
        const parsed = parseCastFile(await response.text());
        // xterm.js creates <style> elements: they need the page's CSP nonce (style-nonce.ts).
        stampStyleNonces(documentNonce());
        const { Terminal } = await import("@xterm/xterm");
        if (disposed) return;
        const term = new Terminal({
          cols: parsed.cols,
          rows: parsed.rows,
          disableStdin: true,
          scrollback: 1000,
          fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
          fontSize: 13,
          screenReaderMode: true,
          theme: terminalTheme(currentColorScheme()),
        });
        term.open(screen);
        cleanups.push(() => term.dispose());
        const playback = new CastPlayback(
          parsed,
          {
            reset: () => term.reset(),
            write: (data) => term.write(data),
            resize: (cols, rows) => term.resize(cols, rows),
          },
          (at, next) => {
            setPosition(at);
            setState(next);
          },
        );
        cleanups.push(() => playback.dispose());
        playbackRef.current = playback;
        setFile(parsed);
        setState("paused");
      } catch (failure) {
        if (!disposed) setError(failure instanceof Error ? failure.message : String(failure));
      }
    })();
    return () => {
      disposed = true;
      playbackRef.current = undefined;
      for (const cleanup of cleanups.reverse()) cleanup();
    };
  }, [castUrl]);

  const playback = playbackRef.current;
  const duration = file?.duration ?? 0;
  return (
    <figure
      className="cast-player"
      data-testid="cast-player"
      data-state={error ? "error" : state}
      data-position={position.toFixed(2)}
      data-duration={duration.toFixed(2)}
    >
      <figcaption>{label}</figcaption>
      <div className="cast-screen" ref={screenRef} data-testid="cast-screen" />
      {error ? <p role="alert">{error}</p> : null}
      <div className="cast-controls">
        <button
          type="button"
          disabled={!playback}
          onClick={() => (state === "playing" ? playback?.pause() : playback?.play())}
        >
          {state === "playing" ? "Pause" : "Play"}
        </button>
        <label>
          <span className="visually-hidden">Position</span>
          <input
            type="range"
            aria-label="Position in the recording"
            min={0}
            max={Math.max(duration, 0.01)}
            step={0.01}
            value={position}
            disabled={!playback}
            onChange={(event) => playback?.seek(Number(event.target.value))}
          />
        </label>
        <span className="cast-time">
          {formatSeconds(position)} / {formatSeconds(duration)}
        </span>
        <label>
          Speed{" "}
          <select
            value={speed}
            disabled={!playback}
            onChange={(event) => {
              const next = Number(event.target.value);
              setSpeed(next);
              playback?.setSpeed(next);
            }}
          >
            {SPEEDS.map((value) => (
              <option key={value} value={value}>
                {value}×
              </option>
            ))}
          </select>
        </label>
        <a className="button-link secondary" href={`${castUrl}${castUrl.includes("?") ? "&" : "?"}download=1`} download>
          Download .cast
        </a>
      </div>
      {file && file.markers.length > 0 ? (
        <ol className="cast-markers" aria-label="Markers">
          {file.markers.map((marker) => (
            <li key={`${marker.time}-${marker.label}`}>
              <button type="button" className="link-button" onClick={() => playback?.seek(marker.time)}>
                {formatSeconds(marker.time)} {marker.label}
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </figure>
  );
}

function formatSeconds(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
