"use client";
// A learner's terminal, read-only, for their instructor: xterm.js without input over the player's
// TerminalConnection, opened with a short-lived observer ticket. A ticket opens one socket, so after a
// drop a fresh ticket is fetched before reconnecting; the learner is told while this is open.
import { useEffect, useRef, useState } from "react";
import { currentColorScheme, terminalTheme } from "../player/color-scheme";
import { documentNonce, stampStyleNonces } from "../player/style-nonce";
import { TerminalConnection, type TerminalStatus } from "../player/terminal-connection";
import { terminalTicket } from "./workshop-api";

export interface ObserverTerminalProps {
  workshopId: string;
  participantId: string;
  displayName: string;
  onClose: () => void;
}

/** Wait before asking for a new ticket after the socket dropped. */
const RETRY_MS = 1_500;

export function ObserverTerminal({ workshopId, participantId, displayName, onClose }: ObserverTerminalProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const sectionRef = useRef<HTMLElement>(null);
  const [status, setStatus] = useState<TerminalStatus>("connecting");
  const [problem, setProblem] = useState<string | undefined>();

  // The panel opens below the learners' table: bring it into view, since xterm.js stops rendering (and
  // updating its screen reader rows) while the terminal is outside the viewport.
  useEffect(() => {
    sectionRef.current?.scrollIntoView({ block: "nearest" });
  }, []);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let disposed = false;
    let connection: TerminalConnection | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const cleanups: Array<() => void> = [];

    void (async () => {
      stampStyleNonces(documentNonce());
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed) return;
      const term = new Terminal({
        disableStdin: true,
        cursorBlink: false,
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
        fontSize: 13,
        scrollback: 2000,
        screenReaderMode: true,
        theme: terminalTheme(currentColorScheme()),
      });
      cleanups.push(() => term.dispose());
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(container);
      // Read-only: Tab is the browser's, so the keyboard never gets stuck in the observer's terminal.
      term.attachCustomKeyEventHandler((event) => event.key !== "Tab");
      if (container.offsetWidth > 0) fit.fit();

      const open = async () => {
        if (disposed) return;
        try {
          const ticket = await terminalTicket(workshopId, participantId);
          if (disposed) return;
          const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
          setProblem(undefined);
          connection = new TerminalConnection({
            url: `${scheme}//${window.location.host}${ticket.socketPath}`,
            protocols: ticket.protocols,
            sink: { write: (bytes, written) => term.write(bytes, written), reset: () => term.reset() },
            onStatusChange: (next, detail) => {
              setStatus(next);
              if (next === "disconnected" || next === "exited") {
                // The ticket was for one socket: drop this connection (after it scheduled its own
                // reconnect, which dispose cancels) and come back with a new ticket.
                const dropped = connection;
                connection = undefined;
                setTimeout(() => dropped?.dispose(), 0);
                if (detail) setProblem(detail);
                if (next === "disconnected") retry = setTimeout(() => void open(), RETRY_MS);
              }
            },
          });
        } catch (error) {
          setStatus("disconnected");
          setProblem(error instanceof Error ? error.message : String(error));
        }
      };
      await open();
    })();

    return () => {
      disposed = true;
      clearTimeout(retry);
      connection?.dispose();
      for (const cleanup of cleanups.reverse()) cleanup();
    };
  }, [workshopId, participantId]);

  return (
    <section ref={sectionRef} className="observer" aria-label={`Terminal of ${displayName} (read-only)`}>
      <div className="observer-bar">
        <h3>Terminal of {displayName}</h3>
        <span className="terminal-state">
          {status === "connected" ? "Watching, read-only" : status === "connecting" ? "Connecting…" : "Not connected"}
        </span>
        <button type="button" className="secondary" onClick={onClose}>
          Stop watching
        </button>
      </div>
      {problem ? <p role="alert">{problem}</p> : null}
      <div className="terminal-frame">
        <div ref={containerRef} className="terminal" data-observer="true" data-status={status} />
      </div>
    </section>
  );
}
