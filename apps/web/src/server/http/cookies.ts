// Reading the Cookie header and writing Set-Cookie headers (added to, never replacing, those already set).
import type { IncomingMessage, ServerResponse } from "node:http";

export interface CookieOptions {
  httpOnly: boolean;
  sameSite: "Strict" | "Lax";
  /** Only over HTTPS. */
  secure: boolean;
  /** Default one year. */
  maxAgeSeconds?: number;
}

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** The value of cookie `name` in the request (the first one when the browser sends several). */
export function readCookie(req: Pick<IncomingMessage, "headers">, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    `Max-Age=${options.maxAgeSeconds ?? ONE_YEAR_SECONDS}`,
    `SameSite=${options.sameSite}`,
    ...(options.httpOnly ? ["HttpOnly"] : []),
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** Adds a Set-Cookie header to the response, keeping the ones already there. */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader("Set-Cookie");
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader("Set-Cookie", [...list, cookie]);
}
