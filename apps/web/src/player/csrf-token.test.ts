import { describe, expect, it } from "vitest";
import { readCsrfToken } from "./csrf-token";

describe("readCsrfToken", () => {
  it("finds the circus_csrf cookie among others and decodes it", () => {
    expect(readCsrfToken("theme=dark; circus_csrf=abc%2Bdef; other=1")).toBe("abc+def");
    expect(readCsrfToken("circus_csrf=xyz")).toBe("xyz");
  });

  it("is undefined when the cookie is missing, empty or only a prefix of another name", () => {
    expect(readCsrfToken("")).toBeUndefined();
    expect(readCsrfToken("circus_csrf=")).toBeUndefined();
    expect(readCsrfToken("circus_csrf_old=abc")).toBeUndefined();
  });
});
