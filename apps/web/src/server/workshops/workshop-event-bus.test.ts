import { describe, expect, it } from "vitest";
import { type LearnerNotice, WorkshopEventBus } from "./workshop-event-bus";

describe("the workshop event bus", () => {
  it("delivers broadcasts to every learner of the workshop only", () => {
    const bus = new WorkshopEventBus();
    const got: Record<string, LearnerNotice[]> = { a: [], b: [], other: [] };
    bus.onLearner("w1", "a", (notice) => got.a?.push(notice));
    const stopB = bus.onLearner("w1", "b", (notice) => got.b?.push(notice));
    bus.onLearner("w2", "other", (notice) => got.other?.push(notice));
    expect(bus.publishLearners("w1", { type: "message", text: "hi", at: "t" })).toBe(2);
    stopB();
    expect(bus.publishLearners("w1", { type: "ended", at: "t" })).toBe(1);
    expect(got.a?.map((n) => n.type)).toEqual(["message", "ended"]);
    expect(got.b?.map((n) => n.type)).toEqual(["message"]);
    expect(got.other).toEqual([]);
  });

  it("tells a learner they are watched from the first watcher until the last one leaves", () => {
    const bus = new WorkshopEventBus();
    const got: LearnerNotice[] = [];
    bus.onLearner("w1", "a", (notice) => got.push(notice));
    const first = bus.watch("w1", "a");
    const second = bus.watch("w1", "a");
    expect(bus.isWatched("w1", "a")).toBe(true);
    first();
    first();
    expect(got).toEqual([{ type: "watching", on: true }]);
    second();
    expect(got).toEqual([
      { type: "watching", on: true },
      { type: "watching", on: false },
    ]);
    expect(bus.isWatched("w1", "a")).toBe(false);
  });

  it("keeps delivering when a listener throws", () => {
    const errors: unknown[] = [];
    const bus = new WorkshopEventBus((error) => errors.push(error));
    const seen: string[] = [];
    bus.onDashboard("w1", () => {
      throw new Error("boom");
    });
    bus.onDashboard("w1", (notice) => seen.push(notice.type));
    bus.publishDashboard("w1", { type: "ended", at: "t" });
    expect(seen).toEqual(["ended"]);
    expect(errors).toHaveLength(1);
  });
});
