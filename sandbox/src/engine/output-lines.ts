// Turns chunked process and build output into whole lines, and keeps the last few of them
// so that a failure can show what led up to it.

/** Splits chunks into lines (without their line ends); call `flush()` at the end for a last partial line. */
export class LineSplitter {
  private pending = "";
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string | Buffer): void {
    const text = this.pending + chunk.toString();
    const lines = text.split(/\r?\n|\r/);
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.onLine(line);
  }

  flush(): void {
    if (this.pending !== "") this.onLine(this.pending);
    this.pending = "";
  }
}

/** The last `capacity` lines seen. */
export class LineTail {
  private readonly lines: string[] = [];
  constructor(private readonly capacity = 30) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  snapshot(): string[] {
    return [...this.lines];
  }
}
