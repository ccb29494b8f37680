import { describe, expect, it } from "vitest";
import { ConnectionCaps } from "./connection-caps";

describe("ConnectionCaps", () => {
  it("refuses a holder over its cap and everyone over the total, and frees a slot once per release", () => {
    const caps = new ConnectionCaps(2, 3);
    const a1 = caps.take("a");
    const a2 = caps.take("a");
    expect(caps.take("a")).toEqual({ ok: false, reason: "holder" });
    const b1 = caps.take("b");
    expect(caps.take("c")).toEqual({ ok: false, reason: "total" });
    if (!a1.ok || !a2.ok || !b1.ok) throw new Error("a slot was refused");
    a1.release();
    a1.release();
    expect(caps.count("a")).toBe(1);
    expect(caps.count()).toBe(2);
    expect(caps.take("c").ok).toBe(true);
    expect(caps.take("d")).toEqual({ ok: false, reason: "total" });
  });
});
