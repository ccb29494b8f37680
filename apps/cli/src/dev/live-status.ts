// Progress output for long operations: permanent lines, plus one status line that is rewritten in
// place on a terminal (the latest build output, say) and left out of logs when stderr is a pipe.

export interface LiveStatus {
  /** Prints a line that stays. */
  line(text: string): void;
  /** Shows `text` as the current status (a terminal only); the next line or status replaces it. */
  status(text: string): void;
  /** Removes the status line. */
  clear(): void;
}

const CLEAR_LINE = "\r\u001b[K";

export function createLiveStatus(write: (text: string) => void, tty: boolean, columns = 80): LiveStatus {
  let showing = false;
  const clear = () => {
    if (showing) write(CLEAR_LINE);
    showing = false;
  };
  return {
    line(text) {
      clear();
      write(`${text}\n`);
    },
    status(text) {
      if (!tty) return;
      // One row only: a wrapped status line could not be cleared with \r.
      const row = text
        .replace(/\s+/g, " ")
        .trim()
        .slice(0, Math.max(10, columns - 1));
      write(`${CLEAR_LINE}${row}`);
      showing = true;
    },
    clear,
  };
}
