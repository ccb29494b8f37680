// Security headers for every response, set by the custom server before Next renders. The CSP carries
// a fresh nonce that Next reads back from the request's Content-Security-Policy header for its own scripts.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface PolicyOptions {
  nonce: string;
  /** Dev mode needs eval (React's server error stacks) and inline styles (hot-reloaded CSS). */
  dev: boolean;
}

export function buildContentSecurityPolicy({ nonce, dev }: PolicyOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", dev ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

const STATIC_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

/** Browsers that once reached Circus over HTTPS keep to HTTPS for a year (never sent over plain HTTP). */
export const HSTS_HEADER = "max-age=31536000";

/**
 * Sets the headers on `res` and hands the policy to Next through `req` (replacing anything the client sent).
 * `hsts`: the request came over HTTPS, so Strict-Transport-Security is sent too.
 */
export function applySecurityHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  options: { dev: boolean; hsts?: boolean },
): void {
  const policy = buildContentSecurityPolicy({ nonce: randomBytes(16).toString("base64"), dev: options.dev });
  req.headers["content-security-policy"] = policy;
  delete req.headers["content-security-policy-report-only"];
  res.setHeader("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(STATIC_HEADERS)) res.setHeader(name, value);
  if (options.hsts) res.setHeader("Strict-Transport-Security", HSTS_HEADER);
}
