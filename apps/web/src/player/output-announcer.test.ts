import { describe, expect, it } from "vitest";
import {
  bufferText,
  logicalLineEndingAt,
  MAX_WAIT_MS,
  OutputAnnouncer,
  QUIET_MS,
  summariseOutput,
  type TerminalBuffer,
} from "./output-announcer";

function bufferOf(rows: Array<[string, boolean]>): TerminalBuffer & { length: number } {
  return {
    baseY: 0,
    cursorY: rows.length - 1,
    length: rows.length,
    getLine: (y) => {
      const row = rows[y];
      return row ? { isWrapped: row[1], translateToString: (trim) => (trim ? row[0].trimEnd() : row[0]) } : undefined;
    },
  };
}

/** A clock and timers the test moves by hand. */
function manualTime() {
  let now = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimer: (id: unknown) => timers.delete(id as number),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.run();
        }
      }
    },
  };
}

describe("summariseOutput", () => {
  it("reads a few short lines as they are, without blank ones", () => {
    expect(summariseOutput(["root@x:/# ls", "bin  boot", "", "etc"])).toBe("root@x:/# ls\nbin  boot\netc");
    expect(summariseOutput(["", "   "])).toBe("");
  });

  it("summarises many lines with their count and last line, pointing at the transcript", () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);
    expect(summariseOutput(lines)).toBe(
      "50 lines of output, ending with: line 50. Open the transcript to read them all.",
    );
    expect(summariseOutput(["x".repeat(500)])).toMatch(/^1 lines of output, ending with: x{120}…\./);
    expect(summariseOutput(["tail"], 1000)).toMatch(/^1000 lines of output/);
  });
});

describe("buffer text", () => {
  it("joins wrapped rows into one line and drops trailing empty rows", () => {
    const buffer = bufferOf([
      ["first ", false],
      ["abc", false],
      ["def", true],
      ["ghi   ", true],
      ["", false],
    ]);
    expect(logicalLineEndingAt(buffer, 3)).toBe("abcdefghi");
    expect(bufferText(buffer)).toBe("first\nabcdefghi");
  });
});

describe("OutputAnnouncer", () => {
  it("announces once the output pauses, and a flood only once with a summary", () => {
    const time = manualTime();
    const spoken: string[] = [];
    const announcer = new OutputAnnouncer({ announce: (text) => spoken.push(text), ...time });
    announcer.addLine("hello");
    time.advance(QUIET_MS - 1);
    expect(spoken).toEqual([]);
    time.advance(1);
    expect(spoken).toEqual(["hello"]);

    for (let i = 0; i < 1000; i++) {
      announcer.addLine(`y ${i}`);
      time.advance(1);
    }
    // A continuous flood is announced at least every MAX_WAIT_MS, each time as one summary.
    expect(spoken.length).toBeLessThanOrEqual(1 + Math.ceil(1000 / MAX_WAIT_MS) + 1);
    time.advance(QUIET_MS);
    expect(spoken.slice(1).every((text) => /lines of output, ending with: y \d+\./.test(text))).toBe(true);
    expect(spoken[spoken.length - 1]).toContain("y 999");
  });

  it("forgets what is pending on discard", () => {
    const time = manualTime();
    const spoken: string[] = [];
    const announcer = new OutputAnnouncer({ announce: (text) => spoken.push(text), ...time });
    announcer.addLine("replayed");
    announcer.discard();
    time.advance(MAX_WAIT_MS);
    expect(spoken).toEqual([]);
  });
});
