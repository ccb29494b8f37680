import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { addressGroup, clientAddress, isCidr } from "./client-address";

/** Only what clientAddress reads of a request: the peer and the X-Forwarded-For header. */
function request(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  } as unknown as IncomingMessage;
}

describe("clientAddress", () => {
  it("believes X-Forwarded-For only from a trusted proxy, nearest untrusted hop first", () => {
    const none = { trustedProxies: [] };
    const proxies = { trustedProxies: ["10.0.0.0/8", "::1/128"] };
    expect(clientAddress(none, request("10.1.2.3", "203.0.113.9"))).toBe("10.1.2.3");
    expect(clientAddress(proxies, request("192.0.2.1", "203.0.113.9"))).toBe("192.0.2.1");
    expect(clientAddress(proxies, request("10.1.2.3", "203.0.113.9"))).toBe("203.0.113.9");
    // A client-written hop on the left is ignored; trusted hops on the right are skipped.
    expect(clientAddress(proxies, request("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.9.9.9"))).toBe("203.0.113.9");
    expect(clientAddress(proxies, request("::ffff:10.1.2.3", "garbage, 203.0.113.9"))).toBe("203.0.113.9");
    expect(clientAddress(proxies, request("10.1.2.3", "203.0.113.9, garbage"))).toBe("10.1.2.3");
    expect(clientAddress(proxies, request("::1", "2001:DB8::5"))).toBe("2001:db8::5");
  });

  it("groups IPv6 addresses by /64 and keeps IPv4 addresses whole", () => {
    expect(addressGroup("2001:db8:1:2::5")).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:db8:1:2:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressGroup("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressGroup("203.0.113.9")).toBe("203.0.113.9");
  });

  it("accepts addresses and CIDRs, nothing else", () => {
    for (const good of ["10.0.0.0/8", "127.0.0.1", "::1/128", "2001:db8::/32"]) expect(isCidr(good), good).toBe(true);
    for (const bad of ["10.0.0.0/33", "::/129", "example.org", "10.0.0.0/8/1", "10.0.0.0/x"]) {
      expect(isCidr(bad), bad).toBe(false);
    }
  });
});
