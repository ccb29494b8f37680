import { describe, expect, it } from "vitest";
import { mayReadMetrics } from "./metrics-access";

const TOKEN = "t".repeat(40);
const request = (remoteAddress: string, headers: Record<string, string> = {}) => ({
  socket: { remoteAddress } as never,
  headers,
});

describe("mayReadMetrics", () => {
  it("lets clients on this machine in, unless a proxy forwarded them", () => {
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
      expect(mayReadMetrics(request(address), {})).toBe(true);
    expect(mayReadMetrics(request("127.0.0.1", { "x-forwarded-for": "203.0.113.7" }), {})).toBe(false);
    expect(mayReadMetrics(request("127.0.0.1", { forwarded: "for=203.0.113.7" }), {})).toBe(false);
  });

  it("refuses other addresses without a configured token, whatever they send", () => {
    expect(mayReadMetrics(request("198.51.100.2", { authorization: `Bearer ${TOKEN}` }), {})).toBe(false);
  });

  it("lets the bearer of the configured token in from anywhere, and nobody with another", () => {
    const config = { metricsToken: TOKEN };
    expect(mayReadMetrics(request("198.51.100.2", { authorization: `Bearer ${TOKEN}` }), config)).toBe(true);
    expect(mayReadMetrics(request("198.51.100.2", { authorization: `Bearer ${TOKEN}x` }), config)).toBe(false);
    expect(mayReadMetrics(request("198.51.100.2", { authorization: TOKEN }), config)).toBe(false);
    expect(mayReadMetrics(request("198.51.100.2"), config)).toBe(false);
  });
});
