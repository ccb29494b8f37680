// The one HTTP server of the web app: probes first, then security headers and Next.js; it owns the
// `upgrade` event so the terminal WebSocket path (/ws/) can be added here without touching Next.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logger";
import { answerProbe } from "./probes";
import { applySecurityHeaders } from "./security-headers";
import { rejectUpgrade, routeUpgrade } from "./upgrade-routing";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface WebServerOptions {
  dev: boolean;
  logger: Logger;
  /** True once the catalog is loaded and Next is prepared (drives /readyz). */
  isReady: () => boolean;
  /** Next's request handler once prepared; until then pages answer 503. */
  pageHandler: () => RequestHandler | undefined;
}

export function createWebServer(options: WebServerOptions): Server {
  const { dev, logger } = options;
  const server = createServer((req, res) => {
    if (answerProbe(req, res, options.isReady)) return;
    const started = performance.now();
    res.on("finish", () => {
      logger.debug(
        { method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) },
        "request",
      );
    });
    applySecurityHeaders(req, res, { dev });
    const handle = options.pageHandler();
    if (!handle) {
      res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "2" });
      res.end("Circus is starting, try again in a moment.");
      return;
    }
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Internal error");
    });
  });

  // Registered before Next adds its own listener (on its first request), so it sees every upgrade first.
  server.on("upgrade", (req, socket) => {
    const route = routeUpgrade(req.url, dev);
    socket.on("error", (error) => logger.debug({ err: error, url: req.url }, "upgrade socket error"));
    if (route === "terminal") {
      logger.debug({ url: req.url }, "terminal sockets are not served yet");
      rejectUpgrade(socket, 404, "Not Found");
    } else if (route === "refuse") {
      logger.debug({ url: req.url }, "refused upgrade");
      rejectUpgrade(socket, 400, "Bad Request");
    }
  });
  return server;
}
