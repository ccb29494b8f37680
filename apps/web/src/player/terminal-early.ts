// What lets a terminal's socket open before xterm.js has loaded: the output that arrives meanwhile is
// held (and acknowledged only once xterm wrote it), and the terminal's size is measured the way xterm's
// fit addon will measure it, so the shell starts at (nearly) its final size.
import type { TerminalSink } from "./terminal-connection";

/** The terminal's font, shared by xterm and the early measure. */
export const TERMINAL_FONT = {
  family: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
  size: 14,
} as const;

/** Used while the container has no size yet (a hidden tab): xterm's own default. */
const DEFAULT_SIZE = { cols: 80, rows: 24 } as const;
/** Room xterm keeps for its scrollbar beside the rows. */
const SCROLLBAR_PX = 14;

/** Holds output until the real sink exists; a reset (replay from elsewhere) drops what it held. */
export class EarlyOutput implements TerminalSink {
  #held: Array<{ bytes: Uint8Array; written: () => void }> = [];
  #resetPending = false;

  write(bytes: Uint8Array, written: () => void): void {
    this.#held.push({ bytes, written });
  }

  reset(): void {
    this.#held = [];
    this.#resetPending = true;
  }

  /** Hands everything held to `sink`, in order (its acks then flow as xterm writes). */
  drainInto(sink: TerminalSink): void {
    if (this.#resetPending) sink.reset();
    this.#resetPending = false;
    const held = this.#held;
    this.#held = [];
    for (const { bytes, written } of held) sink.write(bytes, written);
  }
}

/** Columns and rows of `container` for the terminal's font: one cell measured from a run of "W". */
export function measureTerminalSize(container: HTMLElement): { cols: number; rows: number } {
  const width = container.clientWidth;
  const height = container.clientHeight;
  if (width <= 0 || height <= 0) return DEFAULT_SIZE;
  const probe = document.createElement("span");
  probe.setAttribute("aria-hidden", "true");
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-size:${TERMINAL_FONT.size}px;line-height:normal`;
  probe.style.fontFamily = TERMINAL_FONT.family;
  probe.textContent = "W".repeat(32);
  container.appendChild(probe);
  const box = probe.getBoundingClientRect();
  probe.remove();
  const cellWidth = box.width / 32;
  const cellHeight = box.height;
  if (!(cellWidth > 0) || !(cellHeight > 0)) return DEFAULT_SIZE;
  return {
    cols: Math.max(2, Math.floor((width - SCROLLBAR_PX) / cellWidth)),
    rows: Math.max(1, Math.floor(height / cellHeight)),
  };
}
