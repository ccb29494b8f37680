import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FlowControlOptions, type TerminalListener, TerminalOutput } from "./terminal-output";

const flowControl: FlowControlOptions = { highWatermark: 100, lowWatermark: 10, stalledClientMs: 1_000 };

function createOutput(options: { scrollbackBytes?: number } = {}) {
  const pauses: boolean[] = [];
  const clientCounts: number[] = [];
  const output = new TerminalOutput({
    scrollbackBytes: options.scrollbackBytes ?? 1024,
    flowControl,
    logger: pino({ level: "silent" }),
    onPausedChange: (paused) => pauses.push(paused),
    onClientCountChange: (count) => clientCounts.push(count),
  });
  return { output, pauses, clientCounts };
}

function recorder() {
  const chunks: { data: Buffer; endOffset: number }[] = [];
  const events: string[] = [];
  const listener: TerminalListener = {
    onData: (chunk, endOffset) => chunks.push({ data: Buffer.from(chunk), endOffset }),
    onExit: (info) => events.push(`exit:${info.reason}`),
    onDropped: (info) => events.push(`dropped:${info.reason}`),
  };
  const received = () => Buffer.concat(chunks.map((chunk) => chunk.data)).toString();
  return { listener, chunks, events, received };
}

const bytes = (count: number, fill = "x") => Buffer.alloc(count, fill);

afterEach(() => {
  vi.useRealTimers();
});

describe("TerminalOutput replay", () => {
  it("replays the whole scrollback to a new client, then streams live output", () => {
    const { output } = createOutput();
    output.append(Buffer.from("one "));
    const client = recorder();
    output.attach(client.listener);
    output.append(Buffer.from("two"));
    expect(client.received()).toBe("one two");
    expect(client.chunks.map((chunk) => chunk.endOffset)).toEqual([4, 7]);
  });

  it("gives a reconnecting client exactly the bytes after its last offset, without duplicates", () => {
    const { output } = createOutput();
    const first = recorder();
    const firstClient = output.attach(first.listener);
    output.append(Buffer.from("alpha "));
    output.append(Buffer.from("beta "));
    const lastOffset = first.chunks.at(-1)!.endOffset;
    firstClient.detach();
    output.append(Buffer.from("gamma "));
    const second = recorder();
    output.attach(second.listener, { since: lastOffset });
    output.append(Buffer.from("delta"));
    expect(first.received() + second.received()).toBe("alpha beta gamma delta");
  });

  it("replays only what the scrollback still holds when the offset is too old", () => {
    const { output } = createOutput({ scrollbackBytes: 8 });
    output.append(Buffer.from("0123456789abcdef"));
    const client = recorder();
    output.attach(client.listener, { since: 2 });
    expect(client.received()).toBe("89abcdef");
    expect(client.chunks[0]!.endOffset).toBe(16);
  });
});

describe("TerminalOutput flow control", () => {
  it("pauses above the high watermark of a writing client and resumes below the low one", () => {
    const { output, pauses } = createOutput();
    const client = output.attach(recorder().listener);
    output.append(bytes(60));
    expect(pauses).toEqual([]);
    output.append(bytes(60));
    expect(pauses).toEqual([true]);
    expect(output.stats().maxUnackedBytes).toBe(120);
    client.ack(100);
    expect(pauses).toEqual([true]);
    client.ack(15);
    expect(pauses).toEqual([true, false]);
  });

  it("never lets an observer pause output: it skips ahead and catches up from the scrollback", () => {
    const { output, pauses } = createOutput({ scrollbackBytes: 64 });
    const watcher = recorder();
    const observer = output.attach(watcher.listener, { readOnly: true });
    output.append(bytes(120, "a"));
    output.append(bytes(50, "b"));
    output.append(bytes(50, "c"));
    expect(pauses).toEqual([]);
    expect(watcher.received()).toBe("a".repeat(120));
    observer.ack(120);
    // It fell behind by 100 bytes, of which the scrollback holds the last 64.
    expect(watcher.chunks.at(-1)).toEqual({ data: Buffer.from("b".repeat(14) + "c".repeat(50)), endOffset: 220 });
    expect(output.stats().clients[0]).toMatchObject({ unackedBytes: 64, skipping: false });
  });

  it("drops a stalled writing client when another one keeps up", () => {
    vi.useFakeTimers();
    const { output, pauses } = createOutput();
    const stalled = recorder();
    const healthy = recorder();
    output.attach(stalled.listener);
    const healthyClient = output.attach(healthy.listener);
    output.append(bytes(150));
    healthyClient.ack(150);
    expect(pauses).toEqual([true]);
    vi.advanceTimersByTime(flowControl.stalledClientMs);
    expect(stalled.events).toEqual(["dropped:stalled"]);
    expect(pauses).toEqual([true, false]);
    expect(output.clientCount).toBe(1);
  });

  it("keeps a lone stalled client and the pause (backpressure) instead of dropping it", () => {
    vi.useFakeTimers();
    const { output, pauses } = createOutput();
    const lone = recorder();
    output.attach(lone.listener);
    output.append(bytes(150));
    vi.advanceTimersByTime(flowControl.stalledClientMs * 3);
    expect(lone.events).toEqual([]);
    expect(pauses).toEqual([true]);
  });

  it("refuses nonsense acknowledgements", () => {
    const { output } = createOutput();
    const client = output.attach(recorder().listener);
    expect(() => client.ack(-1)).toThrow(RangeError);
    expect(() => client.ack(1.5)).toThrow(RangeError);
  });
});

describe("TerminalOutput lifecycle", () => {
  it("detaches a client whose handler throws, without disturbing the others", () => {
    const { output, clientCounts } = createOutput();
    output.attach({
      onData: () => {
        throw new Error("socket gone");
      },
      onExit: () => undefined,
    });
    const other = recorder();
    output.attach(other.listener);
    output.append(Buffer.from("still here"));
    expect(other.received()).toBe("still here");
    expect(output.clientCount).toBe(1);
    expect(clientCounts).toEqual([1, 2, 1]);
  });

  it("tells every client the terminal ended, then refuses new clients", () => {
    const { output } = createOutput();
    const first = recorder();
    const second = recorder();
    output.attach(first.listener);
    output.attach(second.listener, { readOnly: true });
    output.end({ exitCode: 0, reason: "exited", message: "the shell exited with code 0" });
    expect([first.events, second.events]).toEqual([["exit:exited"], ["exit:exited"]]);
    expect(() => output.attach(recorder().listener)).toThrow();
  });
});
