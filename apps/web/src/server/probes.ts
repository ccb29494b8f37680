// Liveness and readiness probes, answered by the server itself so they work before Next is ready.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Answers /healthz (always 200 while the process serves) and /readyz (200 once `isReady()`); false for other paths. */
export function answerProbe(req: IncomingMessage, res: ServerResponse, isReady: () => boolean): boolean {
  const pathname = (req.url ?? "/").split("?")[0];
  if (pathname !== "/healthz" && pathname !== "/readyz") return false;
  const ready = pathname === "/healthz" || isReady();
  res.writeHead(ready ? 200 : 503, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(ready ? "ok" : "starting");
  return true;
}
