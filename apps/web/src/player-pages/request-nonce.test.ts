import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy } from "../server/security-headers";
import { nonceFromPolicy } from "./request-nonce";

describe("nonceFromPolicy", () => {
  it("reads the nonce server.ts puts in script-src", () => {
    expect(nonceFromPolicy(buildContentSecurityPolicy({ nonce: "a+b/c==", dev: false }))).toBe("a+b/c==");
  });

  it("finds none without a policy or a nonce", () => {
    expect(nonceFromPolicy(undefined)).toBeUndefined();
    expect(nonceFromPolicy("default-src 'self'; script-src 'self'")).toBeUndefined();
  });
});
