import { gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { parseAsciicast } from "./asciicast";
import { type RecordingBatch, type RecordingSink, TerminalRecording } from "./terminal-recording";

function memorySink(options: { stopAfterBytes?: number } = {}) {
  const batches: RecordingBatch[] = [];
  const closes: { truncated: boolean }[] = [];
  let stored = 0;
  const sink: RecordingSink = {
    write: async (batch) => {
      if (options.stopAfterBytes !== undefined && stored + batch.gzip.byteLength > options.stopAfterBytes) {
        return "stop";
      }
      stored += batch.gzip.byteLength;
      batches.push(batch);
      return "continue";
    },
    close: async (summary) => {
      closes.push(summary);
    },
  };
  const cast = () => gunzipSync(Buffer.concat(batches.map((batch) => batch.gzip))).toString("utf8");
  return { sink, batches, closes, cast };
}

describe("TerminalRecording", () => {
  it("writes asciicast v2: header, output, input, resizes and markers in order, as concatenated gzip members", async () => {
    const memory = memorySink();
    const recording = new TerminalRecording({ cols: 80, rows: 24, sink: memory.sink, title: "node1" });
    recording.output(Buffer.from("hello "));
    recording.input("ls\r");
    recording.marker("step 1 passed");
    // A multi-byte character split across two chunks is decoded whole.
    const snowman = Buffer.from("☃");
    recording.output(snowman.subarray(0, 1));
    recording.output(snowman.subarray(1));
    recording.resize(100, 30);
    await recording.close();

    const { header, events } = parseAsciicast(memory.cast());
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, title: "node1" });
    expect(events.map(([, code, data]) => [code, data])).toEqual([
      ["o", "hello "],
      ["i", "ls\r"],
      ["m", "step 1 passed"],
      ["o", "☃"],
      ["r", "100x30"],
    ]);
    const times = events.map(([time]) => time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(memory.closes).toEqual([{ truncated: false }]);
    expect(recording.stats()).toMatchObject({ batches: 1, truncated: false });
  });

  it("by default writes a typing learner's terminal once per 10 s, not every 2 s", async () => {
    // Only the flush timer is faked: the gzip runs off the event loop, waited for in real time.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const memory = memorySink();
      const recording = new TerminalRecording({ cols: 80, rows: 24, sink: memory.sink });
      const settle = async () => {
        const deadline = Date.now() + 2_000;
        while (memory.batches.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      // A keystroke's echo every 200 ms for 9.8 s: nothing written yet.
      for (let tick = 0; tick < 49; tick += 1) {
        recording.output(Buffer.from("x"));
        await vi.advanceTimersByTimeAsync(200);
      }
      await settle();
      expect(memory.batches).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(200);
      await settle();
      expect(memory.batches).toHaveLength(1);
      await recording.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("flushes in batches on its timer, not per event", async () => {
    const memory = memorySink();
    const recording = new TerminalRecording({ cols: 80, rows: 24, sink: memory.sink, flushIntervalMs: 20 });
    for (let index = 0; index < 100; index += 1) recording.output(Buffer.from(`line ${index}\r\n`));
    expect(memory.batches).toHaveLength(0);
    await expect.poll(() => memory.batches.length).toBe(1);
    recording.output(Buffer.from("more"));
    await recording.close();
    expect(memory.batches.map((batch) => batch.seq)).toEqual([0, 1]);
    expect(parseAsciicast(memory.cast()).events).toHaveLength(101);
  });

  it("stops when the sink says its cap is reached and reports the recording truncated", async () => {
    const memory = memorySink({ stopAfterBytes: 200 });
    const recording = new TerminalRecording({ cols: 80, rows: 24, sink: memory.sink, maxPendingBytes: 1 });
    for (let index = 0; index < 20; index += 1) {
      recording.output(Buffer.from(`${index} ${"x".repeat(200)}${Math.random()}`));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await recording.close();
    expect(memory.closes).toEqual([{ truncated: true }]);
    expect(memory.batches.reduce((sum, batch) => sum + batch.gzip.byteLength, 0)).toBeLessThanOrEqual(200);
    expect(recording.stats().truncated).toBe(true);
    expect(parseAsciicast(memory.cast()).header.version).toBe(2);
  });

  it("ignores events after close and closes the sink once", async () => {
    const memory = memorySink();
    const recording = new TerminalRecording({ cols: 80, rows: 24, sink: memory.sink });
    await recording.close();
    recording.output(Buffer.from("late"));
    await recording.close();
    expect(memory.closes).toHaveLength(1);
    expect(parseAsciicast(memory.cast()).events).toEqual([]);
  });
});
