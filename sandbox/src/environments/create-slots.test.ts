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
    expect(slots.load).toEqual({ running: 2, background: 0, waiting: 3 });
    releases[0]!();
    releases[0]!(); // a second release of the same slot is ignored
    const third = await waiting[0]!;
    expect(slots.load).toEqual({ running: 2, background: 0, waiting: 2 });
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
    expect(slots.load).toEqual({ running: 1, background: 0, waiting: 0 });
  });

  it("grants a waiting learner before every waiting background create", async () => {
    const slots = new CreateSlots(2, 2);
    const order: string[] = [];
    const first = await slots.acquire();
    const second = await slots.acquire(undefined, "background");
    const queued = [
      ["pool-1", "background"],
      ["pool-2", "background"],
      ["learner-1", "learner"],
      ["learner-2", "learner"],
    ].map(async ([name, priority]) => {
      const release = await slots.acquire(undefined, priority as "learner" | "background");
      order.push(name!);
      release();
    });
    first();
    second();
    await Promise.all(queued);
    expect(order).toEqual(["learner-1", "learner-2", "pool-1", "pool-2"]);
  });

  it("keeps background creates to their share of the slots, and a learner passes those held back", async () => {
    const slots = new CreateSlots(4);
    const pool = await Promise.all([slots.acquire(undefined, "background"), slots.acquire(undefined, "background")]);
    let thirdPool = false;
    const heldBack = slots.acquire(undefined, "background").then((release) => {
      thirdPool = true;
      return release;
    });
    await Promise.resolve();
    expect(thirdPool).toBe(false);
    expect(slots.load).toEqual({ running: 2, background: 2, waiting: 1 });
    // Two slots stay free for learners, taken at once although a background create waits.
    const learners = await Promise.all([slots.acquire(), slots.acquire()]);
    expect(slots.load).toEqual({ running: 4, background: 2, waiting: 1 });
    learners[0]!();
    await Promise.resolve();
    expect(thirdPool).toBe(false);
    pool[0]!();
    (await heldBack)();
    expect(thirdPool).toBe(true);
    learners[1]!();
    pool[1]!();
    expect(slots.load).toEqual({ running: 0, background: 0, waiting: 0 });
  });
});
