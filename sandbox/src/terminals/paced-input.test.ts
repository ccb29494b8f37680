import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PacedInput } from "./paced-input";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A target that records when each byte arrived (fake time). */
function recordingTarget() {
  const arrivals: { at: number; bytes: number }[] = [];
  const target = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      arrivals.push({ at: Date.now(), bytes: chunk.length });
      callback();
    },
  });
  return { target, arrivals, total: () => arrivals.reduce((sum, arrival) => sum + arrival.bytes, 0) };
}

describe("PacedInput", () => {
  it("passes a burst at once, then holds the rest in its own buffer at the rate", async () => {
    const { target, arrivals, total } = recordingTarget();
    const input = new PacedInput(target, { bytesPerSecond: 10_000, burstBytes: 20_000 });
    for (let chunk = 0; chunk < 6; chunk += 1) input.write(Buffer.alloc(10_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(total()).toBe(20_000);
    // What waits is visible to the caller, which stops reading its own source meanwhile.
    expect(input.writableLength).toBe(40_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(total()).toBe(20_000);
    await vi.advanceTimersByTimeAsync(1);
    expect(total()).toBe(30_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(total()).toBe(60_000);
    expect(arrivals.map((arrival) => arrival.at)).toEqual([0, 0, 1000, 2000, 3000, 4000]);
    expect(input.writableLength).toBe(0);
  });

  it("never delays a person's typing, and refills while quiet", async () => {
    const { target, total } = recordingTarget();
    const input = new PacedInput(target, { bytesPerSecond: 10_000, burstBytes: 20_000 });
    input.write(Buffer.alloc(20_000));
    await vi.advanceTimersByTimeAsync(2_000);
    for (let key = 0; key < 50; key += 1) {
      input.write("k");
      await vi.advanceTimersByTimeAsync(0);
      expect(total()).toBe(20_000 + key + 1);
      await vi.advanceTimersByTimeAsync(100);
    }
  });

  it("ends and fails with its target", async () => {
    const { target } = recordingTarget();
    const input = new PacedInput(target);
    const failed = new Promise((resolve) => input.once("error", resolve));
    target.destroy(new Error("EPIPE"));
    expect(await failed).toMatchObject({ message: "EPIPE" });
    expect(input.destroyed).toBe(true);
  });
});
