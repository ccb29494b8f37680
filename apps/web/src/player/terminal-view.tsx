"use client";
// One browser terminal: xterm.js (the DOM renderer first, then WebGL when the browser has it) joined to
// its TerminalConnection, whose socket opens while xterm loads (terminal-early.ts). xterm touches `self`
// when loaded, so it is imported inside the effect.
// In screen reader mode, completed lines are announced politely (summarised when many) and a plain-text
// transcript can be opened; Shift+Escape always moves focus out of the terminal, which keeps Tab.
import { useEffect, useRef, useState } from "react";
import { copyText, readClipboardText } from "./clipboard";
import { type ColorScheme, currentColorScheme, terminalTheme } from "./color-scheme";
import { bufferText, logicalLineEndingAt, OutputAnnouncer } from "./output-announcer";
import type { TerminalConnection, TerminalStatus } from "./terminal-connection";
import { measureTerminalSize, TERMINAL_FONT } from "./terminal-early";
import { openTerminalLink, takeTerminalOpenedAhead, terminalSocketUrl } from "./terminal-link";
import { TerminalTranscript } from "./terminal-transcript";

/** What the rest of the player may do with a terminal: type into it (actions) and focus it. */
export interface TerminalHandle {
  /** Types now when connected, else as soon as it connects. */
  type(text: string): void;
  focus(): void;
}

export interface TerminalViewProps {
  runId: string;
  terminalId: string;
  host: string;
  title: string;
  active: boolean;
  scheme: ColorScheme;
  /** Screen reader mode: announce new output, offer the transcript. */
  screenReader: boolean;
  /** Shift+Escape in the terminal: move focus somewhere outside it. */
  onLeave: () => void;
  /** Called with the handle once the terminal exists, and with undefined when it goes. */
  onHandle: (terminalId: string, handle: TerminalHandle | undefined) => void;
}

type XTerm = import("@xterm/xterm").Terminal;

/** How often an open transcript follows the output, at most. */
const TRANSCRIPT_REFRESH_MS = 500;
/** Announcements kept in the live region (older ones were read already). */
const KEPT_ANNOUNCEMENTS = 3;

export function TerminalView({
  runId,
  terminalId,
  host,
  title,
  active,
  scheme,
  screenReader,
  onLeave,
  onHandle,
}: TerminalViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | undefined>(undefined);
  const fitRef = useRef<(() => void) | undefined>(undefined);
  const [status, setStatus] = useState<TerminalStatus>("connecting");
  const [detail, setDetail] = useState<string | undefined>();
  const [renderer, setRenderer] = useState<"webgl" | "dom" | undefined>();
  const [blinking, setBlinking] = useState<boolean | undefined>();
  const connectionRef = useRef<TerminalConnection | undefined>(undefined);
  const [announcements, setAnnouncements] = useState<Array<{ id: number; text: string }>>([]);
  const [transcriptOpen, setTranscriptOpen] = useState(false);
  const [transcript, setTranscript] = useState("");
  const transcriptToggleRef = useRef<HTMLButtonElement>(null);
  const refreshTranscriptRef = useRef<(() => void) | undefined>(undefined);
  // Read by the terminal's listeners, which live as long as the terminal, not one render.
  const live = useRef({ screenReader, transcriptOpen, onLeave });
  live.current = { screenReader, transcriptOpen, onLeave };

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let disposed = false;
    const cleanups: Array<() => void> = [];
    const pending: string[] = [];

    void (async () => {
      const cursorBlink = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      setBlinking(cursorBlink);
      const modules = Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
      ]);
      // The socket opens while xterm loads (or was opened by Start already, terminal-link.ts), so the shell
      // starts meanwhile (at a size measured as xterm measures it; the fitted size follows): its first
      // output waits in the link until the terminal exists.
      let term: XTerm | undefined;
      const ahead = takeTerminalOpenedAhead(runId, host, terminalId);
      const link =
        ahead ?? openTerminalLink(terminalSocketUrl(runId, host, terminalId), measureTerminalSize(container));
      const { connection } = link;
      link.listen((next, why) => {
        // The page (and `data-status`) hears of the socket only once the terminal can show and take input.
        if (!term) return;
        setStatus(next);
        setDetail(why);
        term.options.disableStdin = next !== "connected";
        if (next === "connected") while (pending.length > 0) connection.send(pending.shift() ?? "");
      });
      connectionRef.current = connection;
      cleanups.push(() => connection.dispose());
      if (ahead) {
        const estimate = measureTerminalSize(container);
        connection.resize(estimate.cols, estimate.rows);
      }

      const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await modules;
      if (disposed) return;
      const terminal = new Terminal({
        cursorBlink,
        fontFamily: TERMINAL_FONT.family,
        fontSize: TERMINAL_FONT.size,
        scrollback: 5000,
        disableStdin: connection.status !== "connected",
        // xterm's screen reader support is on for everyone, not only in screen reader mode: its
        // accessibility tree is the only text of a WebGL canvas (a reader can always read the screen).
        // The mode adds polite, summarised announcements and the transcript on top.
        screenReaderMode: true,
        theme: terminalTheme(currentColorScheme()),
      });
      term = terminal;
      termRef.current = terminal;
      cleanups.push(() => terminal.dispose());
      const fit = new FitAddon();
      terminal.loadAddon(fit);
      terminal.loadAddon(new WebLinksAddon());
      terminal.open(container);
      fitRef.current = () => {
        if (container.offsetWidth > 0 && container.offsetHeight > 0) fit.fit();
      };
      fitRef.current();
      connection.resize(terminal.cols, terminal.rows);

      let nextAnnouncement = 0;
      const announcer = new OutputAnnouncer({
        announce: (text) =>
          setAnnouncements((list) => [...list.slice(1 - KEPT_ANNOUNCEMENTS), { id: nextAnnouncement++, text }]),
      });
      cleanups.push(() => announcer.dispose());
      // A replay after a reconnect is old output: it is not announced.
      let replaying = false;
      let transcriptTimer: ReturnType<typeof setTimeout> | undefined;
      const refreshTranscript = () => {
        clearTimeout(transcriptTimer);
        transcriptTimer = undefined;
        setTranscript(bufferText(terminal.buffer.active));
      };
      refreshTranscriptRef.current = refreshTranscript;
      cleanups.push(() => clearTimeout(transcriptTimer));

      const subscriptions = [
        terminal.onData((data) => connection.send(data)),
        terminal.onBinary((data) => connection.send(Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff))),
        terminal.onResize(({ cols, rows }) => connection.resize(cols, rows)),
        terminal.onLineFeed(() => {
          if (!live.current.screenReader || replaying) return;
          const buffer = terminal.buffer.active;
          const row = buffer.baseY + buffer.cursorY - 1;
          if (row >= 0) announcer.addLine(logicalLineEndingAt(buffer, row));
        }),
        terminal.onWriteParsed(() => {
          if (live.current.transcriptOpen && transcriptTimer === undefined)
            transcriptTimer = setTimeout(refreshTranscript, TRANSCRIPT_REFRESH_MS);
        }),
      ];
      cleanups.push(() => {
        for (const subscription of subscriptions) subscription.dispose();
      });
      link.attach({
        write: (bytes, written) =>
          terminal.write(bytes, () => {
            if (replaying) announcer.discard();
            replaying = false;
            written();
          }),
        reset: () => {
          terminal.reset();
          announcer.discard();
          replaying = true;
        },
      });
      // What the socket did while xterm loaded.
      setStatus(connection.status);
      setDetail(link.detail);
      if (connection.status === "connected") while (pending.length > 0) connection.send(pending.shift() ?? "");

      // Ctrl+Shift+C / Ctrl+Shift+V copy and paste; the browser's own shortcuts keep working too.
      terminal.attachCustomKeyEventHandler((event) => {
        // The documented way out of the terminal, which otherwise keeps Tab for the shell.
        if (event.key === "Escape" && event.shiftKey && !event.ctrlKey && !event.altKey) {
          if (event.type === "keydown") live.current.onLeave();
          return false;
        }
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
        if (event.code === "KeyC" && terminal.hasSelection()) {
          void copyText(terminal.getSelection());
          return false;
        }
        if (event.code === "KeyV") {
          void readClipboardText().then((text) => text && terminal.paste(text));
          return false;
        }
        return true;
      });
      const onContextMenu = (event: MouseEvent) => {
        event.preventDefault();
        void readClipboardText().then((text) => text && terminal.paste(text));
      };
      container.addEventListener("contextmenu", onContextMenu);
      cleanups.push(() => container.removeEventListener("contextmenu", onContextMenu));

      const resizeObserver = new ResizeObserver(() => fitRef.current?.());
      resizeObserver.observe(container);
      cleanups.push(() => resizeObserver.disconnect());

      onHandle(terminalId, {
        type: (text) => {
          if (!connection.send(text)) pending.push(text);
        },
        focus: () => terminal.focus(),
      });
      cleanups.push(() => onHandle(terminalId, undefined));

      // The DOM renderer paints the first output; the WebGL one, an upgrade, is loaded once that was
      // painted and the browser is idle, so it never delays the first prompt.
      setRenderer("dom");
      await new Promise<void>((resolve) => {
        let idle: number | undefined;
        const firstOutput = terminal.onWriteParsed(() => {
          firstOutput.dispose();
          const painted = terminal.onRender(() => {
            painted.dispose();
            idle = whenIdle(resolve);
          });
          cleanups.push(() => painted.dispose());
        });
        cleanups.push(() => {
          firstOutput.dispose();
          if (idle !== undefined) cancelIdle(idle);
          resolve();
        });
      });
      if (disposed) return;
      const renderer = await loadWebglRenderer(terminal);
      if (!disposed) setRenderer(renderer);
    })();

    return () => {
      disposed = true;
      for (const cleanup of cleanups.reverse()) cleanup();
      termRef.current = undefined;
      connectionRef.current = undefined;
      refreshTranscriptRef.current = undefined;
    };
  }, [runId, host, terminalId, onHandle]);

  // xterm's own live region reads every character, assertively: in screen reader mode ours replaces it.
  // (Run again once the terminal exists: `renderer` is set right after xterm opened.)
  // biome-ignore lint/correctness/useExhaustiveDependencies: renderer marks the moment the live region exists.
  useEffect(() => {
    const region = containerRef.current?.querySelector(".xterm-accessibility .live-region");
    region?.setAttribute("aria-live", screenReader ? "off" : "assertive");
    if (!screenReader) setAnnouncements([]);
  }, [screenReader, renderer]);

  useEffect(() => {
    if (transcriptOpen) refreshTranscriptRef.current?.();
  }, [transcriptOpen]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = terminalTheme(scheme);
  }, [scheme]);

  useEffect(() => {
    if (active) fitRef.current?.();
  }, [active]);

  return (
    <section className="terminal-panel" aria-label={`Terminal ${title}`} hidden={!active}>
      <div className="terminal-bar">
        <span className={`status-dot status-${status}`} aria-hidden="true" />
        <span className="terminal-state" role="status">
          {statusLabel(status, detail)}
        </span>
        {status === "disconnected" || status === "exited" ? (
          <button type="button" className="link-button" onClick={() => connectionRef.current?.reconnectNow()}>
            Reconnect
          </button>
        ) : null}
        <button
          ref={transcriptToggleRef}
          type="button"
          className="transcript-toggle"
          aria-expanded={transcriptOpen}
          onClick={() => setTranscriptOpen((open) => !open)}
        >
          Transcript
        </button>
      </div>
      {/* Before the terminal in the focus order: the terminal keeps Tab. */}
      {transcriptOpen ? (
        <TerminalTranscript
          title={title}
          text={transcript}
          onClose={() => {
            setTranscriptOpen(false);
            transcriptToggleRef.current?.focus();
          }}
        />
      ) : null}
      <div className="terminal-frame">
        <div
          ref={containerRef}
          className="terminal"
          data-terminal-id={terminalId}
          data-host={host}
          data-status={status}
          data-renderer={renderer}
          data-cursor-blink={blinking === undefined ? undefined : String(blinking)}
        />
      </div>
      {screenReader ? (
        <div
          role="log"
          aria-live="polite"
          aria-label={`New output of ${title}`}
          className="visually-hidden"
          data-testid="output-log"
        >
          {announcements.map((entry) => (
            <p key={entry.id}>{entry.text}</p>
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** Runs `callback` when the browser is idle (within a second); returns the handle for cancelIdle. */
function whenIdle(callback: () => void): number {
  if (typeof window.requestIdleCallback === "function") return window.requestIdleCallback(callback, { timeout: 1_000 });
  return window.setTimeout(callback, 50);
}

function cancelIdle(handle: number): void {
  if (typeof window.cancelIdleCallback === "function") window.cancelIdleCallback(handle);
  window.clearTimeout(handle);
}

/** Loads the WebGL renderer when the browser can run it; the DOM renderer stays otherwise. */
async function loadWebglRenderer(term: XTerm): Promise<"webgl" | "dom"> {
  try {
    const { WebglAddon } = await import("@xterm/addon-webgl");
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => webgl.dispose());
    term.loadAddon(webgl);
    return "webgl";
  } catch {
    return "dom";
  }
}

function statusLabel(status: TerminalStatus, detail: string | undefined): string {
  switch (status) {
    case "connecting":
      return "Connecting…";
    case "connected":
      return "Connected";
    case "disconnected":
      return `Disconnected${detail ? `: ${detail}` : ""}, reconnecting…`;
    case "exited":
      return detail ? `Ended: ${detail}` : "Ended";
  }
}
