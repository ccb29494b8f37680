// CSRF defence for state-changing requests (double submit): the `circus_csrf` cookie (random, readable
// by the page's JS, SameSite=Strict) must come back in the `x-circus-csrf` header, from an allowed origin.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebConfig } from "../../config";
import { appendSetCookie, readCookie, serializeCookie } from "./cookies";
import { requestComesFromAllowedOrigin } from "./origins";

export const CSRF_COOKIE = "circus_csrf";
export const CSRF_HEADER = "x-circus-csrf";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The request's CSRF token, setting a new cookie on the response when the request has no valid one. */
export function ensureCsrfCookie(
  req: Pick<IncomingMessage, "headers">,
  res: ServerResponse,
  options: { secure: boolean },
): string {
  const existing = readCookie(req, CSRF_COOKIE);
  if (existing !== undefined && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString("base64url");
  appendSetCookie(
    res,
    serializeCookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: "Strict", secure: options.secure }),
  );
  return token;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: "missing_token" | "token_mismatch" | "foreign_origin" };

/** Whether a state-changing request carries the cookie's token in the header and comes from an allowed origin. */
export function checkCsrf(
  req: Pick<IncomingMessage, "headers">,
  config: Pick<WebConfig, "allowedOrigins">,
): CsrfVerdict {
  if (!requestComesFromAllowedOrigin(req, config)) return { ok: false, reason: "foreign_origin" };
  const cookie = readCookie(req, CSRF_COOKIE);
  const header = req.headers[CSRF_HEADER];
  if (cookie === undefined || typeof header !== "string" || !TOKEN.test(cookie)) {
    return { ok: false, reason: "missing_token" };
  }
  const a = Buffer.from(cookie, "utf8");
  const b = Buffer.from(header, "utf8");
  return a.length === b.length && timingSafeEqual(a, b) ? { ok: true } : { ok: false, reason: "token_mismatch" };
}
