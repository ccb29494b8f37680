// Header rules of the preview proxy: what crosses into the sandbox (no Circus credentials, no
// hop-by-hop headers, its own Host) and what comes back (sandboxed into an opaque origin, no cookies).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Served with every preview response: the content runs in an opaque origin, framed only by Circus. */
export const PREVIEW_SECURITY_HEADERS = {
  "content-security-policy": "sandbox allow-scripts allow-forms allow-popups",
  "x-frame-options": "SAMEORIGIN",
} as const;

/** RFC 9110 §7.6.1 connection-specific headers, plus the old proxy ones. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The learner's Circus credentials and anti-CSRF token never reach the sandbox. */
const CIRCUS_CREDENTIALS = new Set(["cookie", "authorization", "x-circus-csrf"]);

/** Upstream headers that would weaken the sandboxing, write Circus's cookie jar or wipe the learner's site data. */
const UPSTREAM_OVERRIDES = new Set([
  "set-cookie",
  "clear-site-data",
  "content-security-policy",
  "content-security-policy-report-only",
  "x-frame-options",
  "strict-transport-security",
]);

export interface UpstreamRequestContext {
  port: number;
  /** `/preview/<runId>/<host>/<port>` (for X-Forwarded-Prefix). */
  prefix: string;
  /** The path (and query) asked of the sandbox, which a relative redirect resolves against. Default "/". */
  upstreamPath?: string;
}

/** The headers to send into the sandbox for a browser request. */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  context: UpstreamRequestContext,
): OutgoingHttpHeaders {
  const dropped = connectionTokens(headers.connection);
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || dropped.has(name) || CIRCUS_CREDENTIALS.has(name)) continue;
    if (name === "host" || name.startsWith("x-forwarded-") || name === "forwarded") continue;
    result[name] = value;
  }
  result.host = `localhost:${context.port}`;
  result["x-forwarded-prefix"] = context.prefix;
  return result;
}

/** The headers to answer the browser with, for a response from the sandbox. */
export function previewResponseHeaders(
  headers: IncomingHttpHeaders,
  context: UpstreamRequestContext,
): OutgoingHttpHeaders {
  const dropped = connectionTokens(headers.connection);
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || dropped.has(name) || UPSTREAM_OVERRIDES.has(name)) continue;
    result[name] = name === "location" && typeof value === "string" ? rewriteLocation(value, context) : value;
  }
  return { ...result, ...PREVIEW_SECURITY_HEADERS };
}

/**
 * Every redirect stays inside the preview's own path: the sandbox's root and localhost map into it, a
 * relative one resolves against the request, and one that would leave (another run's preview, the
 * Circus API, another site) goes to the preview's root instead.
 */
export function rewriteLocation(location: string, context: UpstreamRequestContext): string {
  const root = `${context.prefix}/`;
  const base = new URL(`${context.prefix}${context.upstreamPath ?? "/"}`, "http://preview.invalid");
  let target: URL;
  try {
    const local = /^https?:\/\/(localhost|127\.0\.0\.1|0\.0\.0\.0)(:(\d+))?(\/.*)?$/i.exec(location);
    if (local && (local[3] === undefined || Number(local[3]) === context.port)) {
      target = new URL(`${context.prefix}${local[4] ?? "/"}`, base);
    } else if (location.startsWith("/") && !location.startsWith("//") && !location.startsWith("/\\")) {
      target = new URL(`${context.prefix}${location}`, base);
    } else {
      target = new URL(location, base);
    }
  } catch {
    return root;
  }
  if (target.origin !== base.origin) return root;
  const inside = target.pathname === context.prefix || target.pathname.startsWith(root);
  return inside ? `${target.pathname}${target.search}${target.hash}` : root;
}

function connectionTokens(header: string | string[] | undefined): Set<string> {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return new Set(
    values.flatMap((value) => value.split(",").map((token) => token.trim().toLowerCase())).filter(Boolean),
  );
}
