// A terminal's socket apart from its view: opened by TerminalView, or earlier, as soon as a run's id is known
// (Start on the scenario page opens the first terminal while the browser navigates to the player), and then
// taken over by the view. Output that arrives before the view exists waits in `early`; status changes go to
// whoever listens last. At most one opened-ahead socket waits, for a bounded time.
import type { RunView } from "../contract/run-view";
import { TerminalConnection, type TerminalSink, type TerminalStatus } from "./terminal-connection";
import { EarlyOutput, measureTerminalSize } from "./terminal-early";

/** An opened-ahead socket nobody took within this time is closed (the learner never reached the player). */
export const UNCLAIMED_CLOSE_MS = 20_000;

export interface TerminalLink {
  readonly connection: TerminalConnection;
  /** Output held until `attach` (acknowledged only once the real sink wrote it). */
  readonly early: EarlyOutput;
  /** The status's last detail (why it ended or was refused), for a view attaching late. */
  readonly detail: string | undefined;
  /** Hands what was held to `sink` and sends all later output there. */
  attach(sink: TerminalSink): void;
  /** Status changes from now on go to `listener`. */
  listen(listener: (status: TerminalStatus, detail?: string) => void): void;
}

export function terminalSocketUrl(runId: string, host: string, terminalId: string): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const query = new URLSearchParams({ run: runId, host, terminal: terminalId });
  return `${scheme}//${window.location.host}/ws/terminal?${query}`;
}

/** Opens a terminal's socket now; the shell starts at `size` (the view's fitted size follows). */
export function openTerminalLink(url: string, size: { cols: number; rows: number }): TerminalLink {
  const early = new EarlyOutput();
  let sink: TerminalSink = early;
  let listener: ((status: TerminalStatus, detail?: string) => void) | undefined;
  let detail: string | undefined;
  const connection = new TerminalConnection({
    url,
    sink: { write: (bytes, written) => sink.write(bytes, written), reset: () => sink.reset() },
    onStatusChange: (status, why) => {
      detail = why;
      listener?.(status, why);
    },
  });
  connection.resize(size.cols, size.rows);
  return {
    connection,
    early,
    get detail() {
      return detail;
    },
    attach(next) {
      early.drainInto(next);
      sink = next;
    },
    listen(next) {
      listener = next;
    },
  };
}

interface Waiting {
  key: string;
  link: TerminalLink;
  timer: ReturnType<typeof setTimeout>;
}

let waiting: Waiting | undefined;

const keyOf = (runId: string, host: string, terminalId: string) => JSON.stringify([runId, host, terminalId]);

/**
 * Opens a run's terminal ahead of its view (the page that shows it is still loading). The size is a
 * guess from the window (the player's tools take the right ~60%); the view resizes it once fitted.
 */
export function openTerminalAhead(runId: string, host: string, terminalId: string): void {
  dropWaiting();
  const link = openTerminalLink(terminalSocketUrl(runId, host, terminalId), guessPlayerTerminalSize());
  waiting = { key: keyOf(runId, host, terminalId), link, timer: setTimeout(dropWaiting, UNCLAIMED_CLOSE_MS) };
}

/** After Start: a ready lab's (a warm pool's) first terminal opens while the player page loads. */
export function openFirstTerminalAhead(run: Pick<RunView, "id" | "status" | "terminals">): void {
  const first = run.terminals[0];
  if (run.status === "ready" && first) openTerminalAhead(run.id, first.host, first.id);
}

/** The socket opened ahead for this terminal, once (the caller owns it from then on). */
export function takeTerminalOpenedAhead(runId: string, host: string, terminalId: string): TerminalLink | undefined {
  if (!waiting || waiting.key !== keyOf(runId, host, terminalId)) return undefined;
  const { link, timer } = waiting;
  clearTimeout(timer);
  waiting = undefined;
  return link;
}

function dropWaiting(): void {
  if (!waiting) return;
  clearTimeout(waiting.timer);
  waiting.link.connection.dispose();
  waiting = undefined;
}

/**
 * The terminal's size guessed from the window alone (the page is not there yet): the tools pane takes the
 * right ~60% below ~10rem of bars; cells are measured in the terminal's font as the view will.
 */
function guessPlayerTerminalSize(): { cols: number; rows: number } {
  const wide = window.innerWidth >= 900;
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = "position:fixed;left:0;top:0;visibility:hidden;pointer-events:none";
  box.style.width = `${Math.max(160, wide ? window.innerWidth * 0.6 - 40 : window.innerWidth - 32)}px`;
  box.style.height = `${Math.max(120, window.innerHeight - 170)}px`;
  document.body.appendChild(box);
  try {
    return measureTerminalSize(box);
  } finally {
    box.remove();
  }
}
