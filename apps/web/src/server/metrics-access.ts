// Who may read /metrics: clients on this machine (no proxy in between), and anyone presenting the
// bearer token of CIRCUS_METRICS_TOKEN. Everyone else gets 401 (token configured) or 403.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebConfig } from "../config";
import { isDirectLoopbackRequest } from "./http/loopback";

export function mayReadMetrics(
  req: Pick<IncomingMessage, "socket" | "headers">,
  config: Pick<WebConfig, "metricsToken">,
): boolean {
  if (isDirectLoopbackRequest(req)) return true;
  if (config.metricsToken === undefined) return false;
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(req.headers.authorization ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(config.metricsToken));
}

export function refuseMetrics(res: ServerResponse, config: Pick<WebConfig, "metricsToken">): void {
  const withToken = config.metricsToken !== undefined;
  res.writeHead(withToken ? 401 : 403, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    ...(withToken ? { "WWW-Authenticate": 'Bearer realm="circus-metrics"' } : {}),
  });
  res.end(
    withToken
      ? "Send the metrics token: Authorization: Bearer <CIRCUS_METRICS_TOKEN>.\n"
      : "Metrics are served to this machine only; the operator can set CIRCUS_METRICS_TOKEN to allow a scraper.\n",
  );
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
