// What a screen reader hears of a terminal: the lines it completes, gathered while output flows and
// spoken once it pauses, summarised when there are many (the transcript has them all). Framework-free.

/** The part of an xterm.js buffer the announcer reads (`term.buffer.active`). */
export interface TerminalBuffer {
  readonly baseY: number;
  readonly cursorY: number;
  getLine(y: number): { readonly isWrapped: boolean; translateToString(trimRight?: boolean): string } | undefined;
}

/** At most this many lines (and characters) are read out as they are; more become a summary. */
export const MAX_SPOKEN_LINES = 6;
export const MAX_SPOKEN_CHARS = 400;
/** How long output must pause before it is announced, and how long it may flow before it is anyway. */
export const QUIET_MS = 350;
export const MAX_WAIT_MS = 2000;
/** Lines gathered between two announcements, at most (a flood keeps only its count and its end). */
const MAX_PENDING_LINES = 200;

/** The whole logical line that ends on row `y` (rows that wrapped onto the next one are joined). */
export function logicalLineEndingAt(buffer: TerminalBuffer, y: number): string {
  let start = y;
  while (start > 0 && buffer.getLine(start)?.isWrapped) start--;
  let text = "";
  for (let row = start; row <= y; row++) text += buffer.getLine(row)?.translateToString(row === y) ?? "";
  return text;
}

/** Every logical line of the buffer, as plain text (the transcript). */
export function bufferText(buffer: TerminalBuffer & { readonly length: number }): string {
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const next = buffer.getLine(y + 1);
    if (next?.isWrapped) continue;
    lines.push(logicalLineEndingAt(buffer, y));
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/** The sentence a screen reader speaks for `lines` of new output (`total` counts dropped ones too). */
export function summariseOutput(lines: readonly string[], total = lines.length): string {
  const spoken = lines.map((line) => line.trimEnd()).filter((line) => line.trim() !== "");
  if (spoken.length === 0) return "";
  const chars = spoken.reduce((sum, line) => sum + line.length, 0);
  if (total <= MAX_SPOKEN_LINES && chars <= MAX_SPOKEN_CHARS) return spoken.join("\n");
  const last = spoken[spoken.length - 1] ?? "";
  const ending = last.length > 120 ? `${last.slice(0, 120)}…` : last;
  return `${total} lines of output, ending with: ${ending}. Open the transcript to read them all.`;
}

export interface OutputAnnouncerOptions {
  /** Called with each announcement (already summarised). */
  announce: (text: string) => void;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

/** Gathers completed lines (fed on each line feed) and announces them when the output pauses. */
export class OutputAnnouncer {
  private pending: string[] = [];
  private total = 0;
  private firstAt = 0;
  private timer: unknown;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: OutputAnnouncerOptions) {
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
    this.now = options.now ?? Date.now;
  }

  /** A line was completed (the cursor moved past it). */
  addLine(text: string): void {
    if (this.total === 0) this.firstAt = this.now();
    this.total++;
    this.pending.push(text);
    if (this.pending.length > MAX_PENDING_LINES) this.pending.splice(0, this.pending.length - MAX_PENDING_LINES);
    this.clearTimer(this.timer);
    const waited = this.now() - this.firstAt;
    this.timer = this.setTimer(() => this.flush(), Math.max(0, Math.min(QUIET_MS, MAX_WAIT_MS - waited)));
  }

  /** Announces what is pending now. */
  flush(): void {
    this.clearTimer(this.timer);
    this.timer = undefined;
    const text = summariseOutput(this.pending, this.total);
    this.pending = [];
    this.total = 0;
    if (text) this.options.announce(text);
  }

  /** Forgets what is pending (a replay after a reconnect is not new output). */
  discard(): void {
    this.clearTimer(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.total = 0;
  }

  dispose(): void {
    this.discard();
  }
}
