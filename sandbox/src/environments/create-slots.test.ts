import { describe, expect, it } from "vitest";
import { CreateSlots } from "./create-slots";

describe("CreateSlots", () => {
  it("runs at most `limit` at once and grants waiting ones in FIFO order", async () => {
    const slots = new CreateSlots(2);
    const order: number[] = [];
    const releases = await Promise.all([slots.acquire(), slots.acquire()]);
    const waiting = [3, 4, 5].map(async (n) => {
      const release = await slots.acquire();
      order.push(n);
      return release;
    });
    expect(slots.load).toEqual({ running: 2, waiting: 3 });
    releases[0]!();
    releases[0]!(); // a second release of the same slot is ignored
    const third = await waiting[0]!;
    expect(slots.load).toEqual({ running: 2, waiting: 2 });
    releases[1]!();
    third();
    await Promise.all(waiting);
    expect(order).toEqual([3, 4, 5]);
  });

  it("drops a waiter whose signal aborts", async () => {
    const slots = new CreateSlots(1);
    const release = await slots.acquire();
    const controller = new AbortController();
    const aborted = slots.acquire(controller.signal);
    const next = slots.acquire();
    controller.abort(new Error("gave up"));
    await expect(aborted).rejects.toThrow("gave up");
    release();
    await next;
    expect(slots.load).toEqual({ running: 1, waiting: 0 });
  });
});
