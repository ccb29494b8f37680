import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { CSRF_COOKIE, CSRF_HEADER, checkCsrf, ensureCsrfCookie } from "./csrf";

const config = { allowedOrigins: ["http://localhost:3000", "http://127.0.0.1:3000"] };
const TOKEN = "t".repeat(43);

function request(headers: Record<string, string>) {
  return { headers };
}

describe("checkCsrf", () => {
  it("accepts the cookie's token in the header from an allowed origin", () => {
    const req = request({ cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN, origin: "http://localhost:3000" });
    expect(checkCsrf(req, config)).toEqual({ ok: true });
  });

  it("refuses a missing or different token", () => {
    const origin = "http://localhost:3000";
    expect(checkCsrf(request({ cookie: `${CSRF_COOKIE}=${TOKEN}`, origin }), config)).toEqual({
      ok: false,
      reason: "missing_token",
    });
    expect(checkCsrf(request({ [CSRF_HEADER]: TOKEN, origin }), config)).toEqual({
      ok: false,
      reason: "missing_token",
    });
    const other = "u".repeat(43);
    expect(checkCsrf(request({ cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: other, origin }), config)).toEqual({
      ok: false,
      reason: "token_mismatch",
    });
  });

  it("refuses foreign, null and missing origins even with the right token", () => {
    const tokens = { cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN };
    for (const origin of ["http://evil.example", "null", "http://localhost:3001", "https://localhost:3000"]) {
      expect(checkCsrf(request({ ...tokens, origin }), config)).toEqual({ ok: false, reason: "foreign_origin" });
    }
    expect(checkCsrf(request(tokens), config)).toEqual({ ok: false, reason: "foreign_origin" });
  });

  it("falls back to the Referer's origin when there is no Origin", () => {
    const tokens = { cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: TOKEN };
    expect(checkCsrf(request({ ...tokens, referer: "http://127.0.0.1:3000/scenarios/x?y=1" }), config)).toEqual({
      ok: true,
    });
    expect(checkCsrf(request({ ...tokens, referer: "http://evil.example/" }), config).ok).toBe(false);
  });
});

describe("ensureCsrfCookie", () => {
  it("sets a readable SameSite=Strict cookie when missing and keeps a valid one", () => {
    const headers = new Map<string, unknown>();
    const res = {
      getHeader: (name: string) => headers.get(name.toLowerCase()),
      setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    } as unknown as ServerResponse;
    const token = ensureCsrfCookie({ headers: {} }, res, { secure: false });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [cookie = ""] = headers.get("set-cookie") as string[];
    expect(cookie).toContain(`${CSRF_COOKIE}=${token}`);
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain("HttpOnly");

    headers.clear();
    expect(ensureCsrfCookie({ headers: { cookie: `${CSRF_COOKIE}=${token}` } }, res, { secure: false })).toBe(token);
    expect(headers.get("set-cookie")).toBeUndefined();
  });
});
