// Which browser origins may change state (non-GET /api requests) and open terminal sockets: exactly
// the configured ones. A missing or `null` Origin (sandboxed frames, file://) is never allowed.
import type { IncomingMessage } from "node:http";
import type { WebConfig } from "../../config";

export function isAllowedOrigin(origin: string | undefined, config: Pick<WebConfig, "allowedOrigins">): boolean {
  if (origin === undefined || origin === "" || origin === "null") return false;
  let normalized: string;
  try {
    normalized = new URL(origin).origin;
  } catch {
    return false;
  }
  // `new URL("x:y").origin` is the string "null" for opaque origins.
  return normalized !== "null" && config.allowedOrigins.includes(normalized);
}

/**
 * Whether the request comes from an allowed origin: its Origin header, or when a browser sent none
 * (some same-origin requests), the origin of its Referer.
 */
export function requestComesFromAllowedOrigin(
  req: Pick<IncomingMessage, "headers">,
  config: Pick<WebConfig, "allowedOrigins">,
): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return isAllowedOrigin(origin, config);
  const referer = req.headers.referer;
  return referer !== undefined && isAllowedOrigin(referer, config);
}
