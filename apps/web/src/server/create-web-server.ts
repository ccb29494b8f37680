// The one HTTP server of the web app: probes and /metrics first, then /api (JSON routes), /preview
// (the port proxy) and the pages (Next.js, or any handler in tests). It owns the `upgrade` event:
// /ws/ goes to the terminal gateway, /preview/ to the proxy, the rest to Next in dev only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { WebConfig } from "../config";
import type { Logger } from "../logger";
import { isSecureDeployment } from "./http/cookie-security";
import { ensureCsrfCookie } from "./http/csrf";
import { isServedOverHttps } from "./http/loopback";
import { dispatchRoute, sendJson } from "./http/route-dispatch";
import { ensureLearnerCookie } from "./learners/learner-cookie";
import { mayReadMetrics, refuseMetrics } from "./metrics-access";
import { answerProbe, type ReadinessCheck } from "./probes";
import { applySecurityHeaders } from "./security-headers";
import { rejectUpgrade, routeUpgrade } from "./upgrade-routing";
import type { WebApp } from "./web-app";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface WebServerOptions {
  /** Read at each request: it changes once the port is known (allowed origins follow it). */
  config: () => WebConfig;
  logger: Logger;
  /** The checks of /readyz. */
  readiness: () => Promise<ReadinessCheck[]>;
  /** Next's request handler once prepared (or a minimal one in tests); until then pages answer 503. */
  pageHandler: () => RequestHandler | undefined;
  /** The API, terminals and previews once the server context started; until then they answer 503. */
  app: () => WebApp | undefined;
  /** True once a shutdown began: the API, previews, terminals and /readyz answer 503. Default never. */
  stopping?: () => boolean;
}

/** The answer to API requests while the server shuts down (a new process resumes every sandbox). */
const STOPPING_ERROR = {
  code: "server_stopping",
  message: "Circus is restarting. Your sandbox keeps running: try again in a few seconds.",
} as const;

const PREVIEW_PREFIX = "/preview/";

export function createWebServer(options: WebServerOptions): Server {
  const { logger } = options;
  const stopping = options.stopping ?? (() => false);
  const server = createServer((req, res) => {
    const readiness = stopping()
      ? async () => [{ name: "server", ok: false, detail: "shutting down" }]
      : options.readiness;
    if (answerProbe(req, res, readiness)) return;
    const started = performance.now();
    res.on("finish", () => {
      logger.debug(
        { method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) },
        "request",
      );
    });
    handleRequest(options, req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Internal error");
    });
  });

  // Registered before Next adds its own listener (on its first request), so it sees every upgrade first.
  server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
    socket.on("error", (error) => logger.debug({ err: error, url: req.url }, "upgrade socket error"));
    if (stopping()) {
      rejectUpgrade(socket, 503, "Service Unavailable");
      return;
    }
    const app = options.app();
    if (app?.previews.handleUpgrade(req, socket)) return;
    const route = routeUpgrade(req.url, options.config().dev);
    if (route === "terminal") {
      if (app) app.terminals.handleUpgrade(req, socket, head);
      else rejectUpgrade(socket, 404, "Not Found");
    } else if (route === "refuse") {
      logger.debug({ url: req.url }, "refused upgrade");
      rejectUpgrade(socket, 400, "Bad Request");
    }
  });
  return server;
}

async function handleRequest(options: WebServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const config = options.config();
  const pathname = (req.url ?? "/").split("?")[0] ?? "/";
  const app = options.app();
  if (pathname === "/metrics") {
    if (!mayReadMetrics(req, config)) return refuseMetrics(res, config);
    if (!app) return sendText(res, 503, "starting");
    const registry = app.context.metrics.registry;
    res.writeHead(200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
    res.end(await registry.metrics());
    return;
  }
  if (options.stopping?.() && (pathname.startsWith("/api/") || pathname.startsWith(PREVIEW_PREFIX))) {
    applySecurityHeaders(req, res, { dev: config.dev });
    sendJson(res, 503, { error: STOPPING_ERROR }, { "Retry-After": "5", Connection: "close" });
    return;
  }
  if (pathname.startsWith(PREVIEW_PREFIX)) {
    // The proxy sets its own headers: the preview runs sandboxed in an opaque origin, framed by the player.
    if (!app) return sendText(res, 503, "Circus is starting, try again in a moment.");
    if (app.previews.handleRequest(req, res)) return;
  }
  applySecurityHeaders(req, res, { dev: config.dev, hsts: isServedOverHttps(req, config) });
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    if (!app) {
      sendJson(
        res,
        503,
        { error: { code: "server_not_started", message: "Circus is starting, try again in a moment." } },
        {
          "Retry-After": "2",
        },
      );
      return;
    }
    await dispatchRoute(app.apiRouter, req, res, app.context, { csrf: true });
    return;
  }
  const handle = options.pageHandler();
  if (!handle) {
    res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "2" });
    res.end("Circus is starting, try again in a moment.");
    return;
  }
  if (!pathname.startsWith("/_next/")) {
    // Pages carry the learner's identity and the CSRF token the player sends back with every change.
    const secure = isSecureDeployment(config);
    ensureLearnerCookie(req, res, { keys: config, secure });
    ensureCsrfCookie(req, res, { secure });
  }
  await handle(req, res);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(text);
}
