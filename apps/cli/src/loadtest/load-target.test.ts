import { describe, expect, it } from "vitest";
import { UsageError } from "../cli-errors";
import { learnerAddress } from "./learner-crowd";
import { isLoopbackHost, parseLoadTarget } from "./load-target";

describe("parseLoadTarget", () => {
  it("accepts loopback addresses and marks them as measurable on this machine", () => {
    expect(parseLoadTarget("http://127.0.0.1:3000/some/page", false)).toEqual({
      origin: "http://127.0.0.1:3000",
      loopback: true,
    });
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("127.8.0.1")).toBe(true);
  });

  it("refuses other addresses unless --allow-remote, and anything that is not http(s)", () => {
    expect(() => parseLoadTarget("https://circus.example.org", false)).toThrow(UsageError);
    expect(parseLoadTarget("https://circus.example.org", true)).toEqual({
      origin: "https://circus.example.org",
      loopback: false,
    });
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(() => parseLoadTarget("ftp://127.0.0.1", true)).toThrow(/not an http/);
    expect(() => parseLoadTarget("not a url", true)).toThrow(/not a URL/);
  });
});

describe("learnerAddress", () => {
  it("gives each learner its own address in the benchmark block 198.18.0.0/15", () => {
    const addresses = Array.from({ length: 1000 }, (_, index) => learnerAddress(index));
    expect(new Set(addresses).size).toBe(1000);
    for (const address of addresses) expect(address).toMatch(/^198\.1[89]\.\d{1,3}\.\d{1,3}$/);
    expect(learnerAddress(0)).toBe("198.18.0.1");
  });
});
