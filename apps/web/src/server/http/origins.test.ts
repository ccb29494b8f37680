import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "./origins";

const config = { allowedOrigins: ["http://localhost:3000", "https://circus.example.org"] };

describe("isAllowedOrigin", () => {
  it("allows exactly the configured origins", () => {
    expect(isAllowedOrigin("http://localhost:3000", config)).toBe(true);
    expect(isAllowedOrigin("https://circus.example.org", config)).toBe(true);
    expect(isAllowedOrigin("HTTPS://CIRCUS.example.org:443", config)).toBe(true);
  });

  it("refuses missing, null, malformed and foreign origins", () => {
    for (const origin of [
      undefined,
      "",
      "null",
      "not a url",
      "http://localhost:3001",
      "http://circus.example.org",
      "https://circus.example.org.evil.example",
      "file:///etc/passwd",
    ]) {
      expect(isAllowedOrigin(origin, config)).toBe(false);
    }
  });
});
