// Answers a request with the router's routes: learner and CSRF cookies, the CSRF check of state-changing
// requests, zod parsing of params/query/body, the handler, and every error through the one table.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { ServerContext } from "../context";
import { ensureLearnerCookie } from "../learners/learner-cookie";
import { isSecureDeployment } from "./cookie-security";
import { checkCsrf, ensureCsrfCookie } from "./csrf";
import { AppError, errorReply } from "./errors";
import { readJsonBody } from "./json-body";
import type { Router } from "./router";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface DispatchOptions {
  /** Require the CSRF header and an allowed origin on non-GET requests (all of /api). */
  csrf: boolean;
}

/** Answers the request, with a JSON 404/405 when no route matches. */
export async function dispatchRoute(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  context: ServerContext,
  options: DispatchOptions,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://circus.invalid");
  const method = req.method ?? "GET";
  const match = router.match(method, url.pathname);
  const secure = isSecureDeployment(context.config);
  const { learnerId } = ensureLearnerCookie(req, res, { keys: context.config, secure });
  ensureCsrfCookie(req, res, { secure });
  const logger = context.logger.child({ learner: learnerId });
  let routeName = "unmatched";
  try {
    if (options.csrf && !SAFE_METHODS.has(method)) {
      const verdict = checkCsrf(req, context.config);
      if (!verdict.ok) {
        logger.info(
          { reason: verdict.reason, origin: req.headers.origin, url: url.pathname },
          "refused by the CSRF check",
        );
        throw new AppError("csrf", "This request was refused: reload the page and try again.");
      }
    }
    if (!match) throw new AppError("not_found", "There is nothing here.");
    if (match.kind === "wrong_method") throw new AppError("method_not_allowed", `${method} is not allowed here.`);
    const { route } = match;
    routeName = route.path;
    const params = route.params ? route.params.safeParse(match.params) : { success: true as const, data: match.params };
    if (!params.success) throw new AppError("not_found", "There is nothing here.");
    const query = route.query
      ? parseInput(route.query, Object.fromEntries(url.searchParams), "query")
      : Object.fromEntries(url.searchParams);
    const body = route.body ? parseInput(route.body, await readJsonBody(req, route.maxBodyBytes), "body") : undefined;
    const reply = await route.handle({
      params: params.data,
      query,
      body,
      learnerId,
      req,
      res,
      context,
      logger,
    });
    if (reply) sendJson(res, reply.status ?? 200, reply.body, reply.headers);
  } catch (error) {
    const reply = errorReply(error, logger.child({ url: url.pathname, method }));
    if (res.headersSent) res.destroy();
    else sendJson(res, reply.status, reply.body, reply.headers);
  } finally {
    context.metrics.apiRequests.inc({ method, route: routeName, status: String(res.statusCode) });
  }
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError("invalid_request", `The request ${what} is invalid: ${z.prettifyError(parsed.error)}`);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
