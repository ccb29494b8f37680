// The port previews: `/preview/<runId>/<host>/<port>/<path>` streamed to and from a server inside the
// learner's sandbox through a port-forwarding agent. Only the run's owner may use them.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ContainerDiedError, ContainerNotRunningError, PortClosedError } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { learnerIdFromRequest } from "../learners/learner-cookie";
import { takeSandboxAction } from "../runs/sandbox-action-limit";
import { PreviewAgents } from "./preview-agents";
import {
  hostDownPage,
  notFoundPage,
  type PreviewErrorPage,
  portClosedPage,
  previewFailedPage,
  renderPreviewErrorPage,
  timedOutPage,
  tooManyRequestsPage,
} from "./preview-error-page";
import { PREVIEW_SECURITY_HEADERS, previewResponseHeaders, upstreamRequestHeaders } from "./preview-headers";
import { type PreviewAddress, parsePreviewPath } from "./preview-path";

export const PREVIEW_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"] as const;

export type PreviewProxyContext = Pick<ServerContext, "config" | "logger" | "runtime" | "labs" | "sandboxActions">;

/** A preview's server did not start answering within CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS. */
class PreviewTimedOutError extends Error {
  override name = "PreviewTimedOutError";
}

export interface PreviewProxy {
  /** Answers a /preview/ request and returns true; false (untouched) for any other path. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Refuses a WebSocket upgrade under /preview/ (not supported yet) and returns true; false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex): boolean;
  /** Closes the preview connections of an environment (stopped or expired). */
  closeEnvironment(environmentId: string): void;
  dispose(): void;
}

export function createPreviewProxy(context: PreviewProxyContext): PreviewProxy {
  const logger = context.logger.child({ module: "previews" });
  const agents = new PreviewAgents(context.runtime, logger);
  /** Requests in flight per environment: over the cap a request is refused (429), never queued. */
  const inFlight = new Map<string, number>();
  const timeoutSeconds = context.config.previewResponseTimeoutSeconds;

  const proxy = async (req: IncomingMessage, res: ServerResponse, address: PreviewAddress) => {
    const learnerId = learnerIdFromRequest(req, context.config);
    const owned = learnerId ? await context.labs.ownedLab(learnerId, address.runId) : undefined;
    const host = owned?.lab.environment.hosts.find((candidate) => candidate.name === address.host);
    if (!learnerId || !owned || !host) {
      answerPage(res, notFoundPage());
      return;
    }
    const environmentId = owned.lab.environment.id;
    const held = inFlight.get(environmentId) ?? 0;
    if (held >= context.config.previewRequestsPerEnvironment) {
      answerPage(
        res,
        tooManyRequestsPage(`This lab's previews have ${held} requests waiting for an answer already.`, 2),
      );
      return;
    }
    inFlight.set(environmentId, held + 1);
    res.once("close", () => {
      const left = (inFlight.get(environmentId) ?? 1) - 1;
      if (left > 0) inFlight.set(environmentId, left);
      else inFlight.delete(environmentId);
    });
    context.runtime.touch(environmentId);
    const headerContext = { port: address.port, prefix: address.prefix, upstreamPath: address.upstreamPath };
    const runId = address.runId;
    const upstream = http.request({
      agent: agents.agentFor(environmentId, host, address.port, () => takeSandboxAction(context, learnerId, runId)),
      host: "localhost",
      port: address.port,
      method: req.method,
      path: address.upstreamPath,
      headers: upstreamRequestHeaders(req.headers, headerContext),
    });
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    const timer = setTimeout(() => upstream.destroy(new PreviewTimedOutError()), timeoutSeconds * 1000);
    const answered = new Promise<void>((resolve, reject) => {
      upstream.once("response", (upstreamRes) => {
        clearTimeout(timer);
        clearCircusHeaders(res);
        res.writeHead(
          upstreamRes.statusCode ?? 502,
          upstreamRes.statusMessage,
          previewResponseHeaders(upstreamRes.headers, headerContext),
        );
        pipeline(upstreamRes, res).then(resolve, reject);
      });
      upstream.once("error", reject);
    });
    req.pipe(upstream);
    try {
      await answered;
    } catch (error) {
      clearTimeout(timer);
      if (res.headersSent) {
        logger.debug({ err: error, port: address.port }, "preview response interrupted");
        res.destroy();
        return;
      }
      if (error instanceof PortClosedError) answerPage(res, portClosedPage(address.host, address.port));
      else if (error instanceof PreviewTimedOutError) answerPage(res, timedOutPage(address.port, timeoutSeconds));
      else if (error instanceof AppError && error.code === "rate_limited") {
        answerPage(res, tooManyRequestsPage(error.message, error.options.retryAfterSeconds ?? 60));
      } else if (error instanceof ContainerNotRunningError || error instanceof ContainerDiedError) {
        answerPage(res, hostDownPage(address.host));
      } else {
        logger.warn({ err: error, port: address.port, host: address.host }, "preview request failed");
        answerPage(res, previewFailedPage(address.port));
      }
    }
  };

  return {
    handleRequest(req, res) {
      const parsed = parsePreviewPath(req.url);
      if (!parsed) return false;
      if (parsed.kind === "invalid") {
        answerPage(res, notFoundPage());
      } else if (parsed.kind === "add_slash") {
        res.writeHead(308, { Location: parsed.location, "Content-Length": "0" }).end();
      } else if (!(PREVIEW_METHODS as readonly string[]).includes(req.method ?? "")) {
        res.writeHead(405, { Allow: PREVIEW_METHODS.join(", "), "Content-Length": "0" }).end();
      } else {
        proxy(req, res, parsed.address).catch((error: unknown) => {
          logger.error({ err: error, url: req.url }, "preview failed");
          if (!res.headersSent) answerPage(res, previewFailedPage(parsed.address.port));
          else res.destroy();
        });
      }
      return true;
    },

    handleUpgrade(req, socket) {
      if (!parsePreviewPath(req.url)) return false;
      const body = "WebSocket connections to previews are not supported yet; plain HTTP requests are.\n";
      socket.end(
        "HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n" +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        () => socket.destroy(),
      );
      return true;
    },

    closeEnvironment: (environmentId) => agents.disposeEnvironment(environmentId),
    dispose: () => agents.dispose(),
  };
}

function answerPage(res: ServerResponse, page: PreviewErrorPage): void {
  const body = renderPreviewErrorPage(page);
  clearCircusHeaders(res);
  res.writeHead(page.status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...(page.retryAfterSeconds === undefined ? {} : { "Retry-After": String(page.retryAfterSeconds) }),
    ...PREVIEW_SECURITY_HEADERS,
  });
  res.end(body);
}

/** Headers set earlier for Circus's own pages (its CSP, DENY framing, cookies) do not apply to a preview. */
function clearCircusHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
}
