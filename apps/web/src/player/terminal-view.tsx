"use client";
// One browser terminal: xterm.js (WebGL renderer when the browser has it, else the DOM one) joined to
// its TerminalConnection. xterm touches `self` when loaded, so it is imported inside the effect.
import { useEffect, useRef, useState } from "react";
import { copyText, readClipboardText } from "./clipboard";
import { type ColorScheme, currentColorScheme, terminalTheme } from "./color-scheme";
import { TerminalConnection, type TerminalStatus } from "./terminal-connection";

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
  /** Called with the handle once the terminal exists, and with undefined when it goes. */
  onHandle: (terminalId: string, handle: TerminalHandle | undefined) => void;
}

type XTerm = import("@xterm/xterm").Terminal;

export function socketUrl(runId: string, host: string, terminalId: string): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const query = new URLSearchParams({ run: runId, host, terminal: terminalId });
  return `${scheme}//${window.location.host}/ws/terminal?${query}`;
}

export function TerminalView({ runId, terminalId, host, title, active, scheme, onHandle }: TerminalViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | undefined>(undefined);
  const fitRef = useRef<(() => void) | undefined>(undefined);
  const [status, setStatus] = useState<TerminalStatus>("connecting");
  const [detail, setDetail] = useState<string | undefined>();
  const [renderer, setRenderer] = useState<"webgl" | "dom" | undefined>();
  const connectionRef = useRef<TerminalConnection | undefined>(undefined);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let disposed = false;
    const cleanups: Array<() => void> = [];
    const pending: string[] = [];

    void (async () => {
      const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
      ]);
      if (disposed) return;
      const term = new Terminal({
        cursorBlink: true,
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
        fontSize: 14,
        scrollback: 5000,
        disableStdin: true,
        // The accessibility tree mirrors the screen as text for screen readers (a WebGL canvas has none).
        screenReaderMode: true,
        theme: terminalTheme(currentColorScheme()),
      });
      termRef.current = term;
      cleanups.push(() => term.dispose());
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.open(container);
      setRenderer(await loadWebglRenderer(term));
      if (disposed) return;
      fitRef.current = () => {
        if (container.offsetWidth > 0 && container.offsetHeight > 0) fit.fit();
      };
      fitRef.current();

      const connection = new TerminalConnection({
        url: socketUrl(runId, host, terminalId),
        sink: { write: (bytes, written) => term.write(bytes, written), reset: () => term.reset() },
        onStatusChange: (next, why) => {
          setStatus(next);
          setDetail(why);
          term.options.disableStdin = next !== "connected";
          if (next === "connected") while (pending.length > 0) connection.send(pending.shift() ?? "");
        },
      });
      connectionRef.current = connection;
      cleanups.push(() => connection.dispose());
      connection.resize(term.cols, term.rows);
      const subscriptions = [
        term.onData((data) => connection.send(data)),
        term.onBinary((data) => connection.send(Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff))),
        term.onResize(({ cols, rows }) => connection.resize(cols, rows)),
      ];
      cleanups.push(() => {
        for (const subscription of subscriptions) subscription.dispose();
      });

      // Ctrl+Shift+C / Ctrl+Shift+V copy and paste; the browser's own shortcuts keep working too.
      term.attachCustomKeyEventHandler((event) => {
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
        if (event.code === "KeyC" && term.hasSelection()) {
          void copyText(term.getSelection());
          return false;
        }
        if (event.code === "KeyV") {
          void readClipboardText().then((text) => text && term.paste(text));
          return false;
        }
        return true;
      });
      const onContextMenu = (event: MouseEvent) => {
        event.preventDefault();
        void readClipboardText().then((text) => text && term.paste(text));
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
        focus: () => term.focus(),
      });
      cleanups.push(() => onHandle(terminalId, undefined));
    })();

    return () => {
      disposed = true;
      for (const cleanup of cleanups.reverse()) cleanup();
      termRef.current = undefined;
      connectionRef.current = undefined;
    };
  }, [runId, host, terminalId, onHandle]);

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
        <span className="terminal-state">{statusLabel(status, detail)}</span>
        {status === "disconnected" || status === "exited" ? (
          <button type="button" className="link-button" onClick={() => connectionRef.current?.reconnectNow()}>
            Reconnect
          </button>
        ) : null}
      </div>
      <div className="terminal-frame">
        <div
          ref={containerRef}
          className="terminal"
          data-terminal-id={terminalId}
          data-host={host}
          data-status={status}
          data-renderer={renderer}
        />
      </div>
    </section>
  );
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
