import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter";

let limiter: RateLimiter | undefined;
afterEach(() => limiter?.dispose());

describe("RateLimiter", () => {
  it("allows `limit` events per key in the window, then says how long to wait", () => {
    let now = 1_000_000;
    limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.take("a")).toEqual({ allowed: true });
    now += 10_000;
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 50_000 });
    expect(limiter.take("b")).toEqual({ allowed: true });
    now += 50_000;
    expect(limiter.take("a")).toEqual({ allowed: true });
  });

  it("does not count refused events or peeks", () => {
    let now = 0;
    limiter = new RateLimiter(1, 1_000, () => now);
    limiter.take("a");
    for (let i = 0; i < 5; i++) expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.peek("b")).toEqual({ allowed: true });
    expect(limiter.take("b")).toEqual({ allowed: true });
    now = 1_001;
    expect(limiter.take("a")).toEqual({ allowed: true });
  });

  it("forgets keys whose window is empty", () => {
    let now = 0;
    limiter = new RateLimiter(1, 1_000, () => now);
    limiter.take("a");
    limiter.take("b");
    now = 5_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });
});
