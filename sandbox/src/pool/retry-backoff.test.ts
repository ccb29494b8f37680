import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry-backoff";

describe("retryDelayMs", () => {
  const top = () => 0.999_999_9;
  const bottom = () => 0;

  it("doubles with each consecutive failure from the initial delay", () => {
    const options = { initialDelayMs: 100, maxDelayMs: 100_000 };
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, options, top))).toEqual([100, 200, 400, 800]);
  });

  it("never waits longer than the maximum, even after many failures", () => {
    expect(retryDelayMs(1000, { initialDelayMs: 100, maxDelayMs: 5000 }, top)).toBe(5000);
  });

  it("jitters down to half of the delay, never below", () => {
    expect(retryDelayMs(3, { initialDelayMs: 100, maxDelayMs: 100_000 }, bottom)).toBe(200);
  });

  it("defaults to one second, capped at one minute", () => {
    expect(retryDelayMs(1, {}, top)).toBe(1000);
    expect(retryDelayMs(50, {}, top)).toBe(60_000);
  });
});
