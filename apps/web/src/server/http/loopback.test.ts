import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isDirectLoopbackRequest, isServedOverHttps } from "./loopback";

function request(peer: string, headers: IncomingMessage["headers"] = {}): Pick<IncomingMessage, "socket" | "headers"> {
  return { socket: { remoteAddress: peer } as IncomingMessage["socket"], headers };
}

const plain = { allowedOrigins: [], trustedProxies: [] };
const behindProxy = { allowedOrigins: [], trustedProxies: ["10.0.0.0/8"] };

describe("isServedOverHttps", () => {
  it("believes X-Forwarded-Proto only from this machine or a trusted proxy", () => {
    const https = { "x-forwarded-proto": "https" };
    expect(isServedOverHttps(request("127.0.0.1", https), plain)).toBe(true);
    expect(isServedOverHttps(request("10.1.2.3", https), plain)).toBe(false);
    expect(isServedOverHttps(request("10.1.2.3", https), behindProxy)).toBe(true);
    expect(isServedOverHttps(request("::ffff:10.1.2.3", https), behindProxy)).toBe(true);
    expect(isServedOverHttps(request("192.0.2.7", https), behindProxy)).toBe(false);
    expect(isServedOverHttps(request("10.1.2.3", { "x-forwarded-proto": "http" }), behindProxy)).toBe(false);
  });

  it("is HTTPS when every allowed origin is", () => {
    const config = { allowedOrigins: ["https://circus.example.org"], trustedProxies: [] };
    expect(isServedOverHttps(request("192.0.2.7"), config)).toBe(true);
  });
});

describe("isDirectLoopbackRequest", () => {
  it("is a loopback peer that no proxy forwarded", () => {
    expect(isDirectLoopbackRequest(request("127.0.0.1"))).toBe(true);
    expect(isDirectLoopbackRequest(request("::1"))).toBe(true);
    expect(isDirectLoopbackRequest(request("127.0.0.1", { "x-forwarded-for": "192.0.2.7" }))).toBe(false);
    expect(isDirectLoopbackRequest(request("192.0.2.7"))).toBe(false);
  });
});
