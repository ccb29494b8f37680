import { afterEach, describe, expect, it, vi } from "vitest";
import { type FrameSink, OutgoingFrames } from "./outgoing-frames";

/** A sink that records frames and lets the test decide how full its buffer is and when writes finish. */
function recordingSink() {
  const frames: (Buffer | string)[] = [];
  const pending: (() => void)[] = [];
  const state = { buffered: 0 };
  const sink: FrameSink = {
    bufferedAmount: () => state.buffered,
    send: (frame, done) => {
      frames.push(frame);
      pending.push(done);
    },
  };
  const completeWrites = () => {
    for (const done of pending.splice(0)) done();
  };
  return { sink, frames, state, completeWrites };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("OutgoingFrames", () => {
  it("sends output after a quiet spell at once, so a keystroke's echo is not delayed", () => {
    vi.useFakeTimers();
    const { sink, frames } = recordingSink();
    const queue = new OutgoingFrames(sink, { coalesceMs: 5 });
    queue.pushBytes(Buffer.from("a"));
    expect(frames).toEqual([Buffer.from("a")]);
    vi.advanceTimersByTime(5);
    queue.pushBytes(Buffer.from("b"));
    expect(frames).toEqual([Buffer.from("a"), Buffer.from("b")]);
  });

  it("coalesces chunks that keep coming into one binary frame", () => {
    vi.useFakeTimers();
    const { sink, frames } = recordingSink();
    const queue = new OutgoingFrames(sink, { coalesceMs: 5 });
    queue.pushBytes(Buffer.from("$ "));
    queue.pushBytes(Buffer.from("hel"));
    queue.pushBytes(Buffer.from("lo"));
    expect(frames).toEqual([Buffer.from("$ ")]);
    vi.advanceTimersByTime(5);
    expect(frames).toEqual([Buffer.from("$ "), Buffer.from("hello")]);
  });

  it("sends at once when a frame's worth is waiting, in frames no larger than the cap", () => {
    vi.useFakeTimers();
    const { sink, frames } = recordingSink();
    const queue = new OutgoingFrames(sink, { maxFrameBytes: 4, coalesceMs: 1000 });
    queue.pushBytes(Buffer.from("z"));
    queue.pushBytes(Buffer.from("ab"));
    expect(frames.map(String)).toEqual(["z"]);
    queue.pushBytes(Buffer.from("cdefghij"));
    expect(frames.map(String)).toEqual(["z", "abcd", "efgh", "ij"]);
    expect(queue.pendingBytes).toBe(0);
  });

  it("keeps control messages in order with the output queued before them", () => {
    const { sink, frames } = recordingSink();
    const queue = new OutgoingFrames(sink, { coalesceMs: 1000 });
    queue.pushText('{"type":"hello"}');
    queue.pushBytes(Buffer.from("output"));
    queue.pushText('{"type":"exit"}');
    expect(frames).toEqual(['{"type":"hello"}', Buffer.from("output"), '{"type":"exit"}']);
  });

  it("holds frames while the socket buffer is above its high-water mark and resumes when a write completes", async () => {
    const { sink, frames, state, completeWrites } = recordingSink();
    const queue = new OutgoingFrames(sink, { maxFrameBytes: 4, socketHighWaterBytes: 10 });
    queue.pushBytes(Buffer.from("1234"));
    expect(frames).toHaveLength(1);
    state.buffered = 11;
    queue.pushBytes(Buffer.from("5678"));
    queue.pushText("end");
    expect(frames).toHaveLength(1);
    expect(queue.pendingBytes).toBe(4);
    let flushed = false;
    void queue.whenFlushed().then(() => {
      flushed = true;
    });
    state.buffered = 0;
    completeWrites();
    expect(frames).toEqual([Buffer.from("1234"), Buffer.from("5678"), "end"]);
    expect(queue.pendingBytes).toBe(0);
    await Promise.resolve();
    expect(flushed).toBe(true);
  });

  it("sends nothing after dispose", () => {
    vi.useFakeTimers();
    const { sink, frames } = recordingSink();
    const queue = new OutgoingFrames(sink);
    queue.pushBytes(Buffer.from("first"));
    queue.pushBytes(Buffer.from("late"));
    queue.dispose();
    vi.runAllTimers();
    queue.pushBytes(Buffer.from("after"));
    queue.pushText("x");
    expect(frames).toEqual([Buffer.from("first")]);
  });
});
