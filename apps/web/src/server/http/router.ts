// How an HTTP route is declared: method, path pattern, zod schemas for params, query and body, and a
// handler that calls one domain function. `dispatchRoute` (route-dispatch.ts) parses and answers.
//
//   export const showStepRoute = defineRoute({
//     method: "POST",
//     path: "/api/runs/:runId/steps/:index/show",
//     params: z.object({ runId: z.string(), index: z.coerce.number().int().min(0) }),
//     handle: async ({ params, learnerId, context }) => ({ body: await showRunStep(context, learnerId, params) }),
//   });
//
// Patterns: `:name` matches one path segment (URL-decoded); a final `*` matches the rest (as param "*").
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { Logger } from "../../logger";
import type { ServerContext } from "../context";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  /** From the signed learner cookie (issued on this request when it had none). */
  learnerId: string;
  req: IncomingMessage;
  res: ServerResponse;
  context: ServerContext;
  /** A child logger with the request's learner. */
  logger: Logger;
}

/**
 * A JSON answer (status 200 unless given), or undefined when the handler answered `res` itself
 * (a stream or a proxy).
 */
export type RouteReply = { status?: number; body: unknown; headers?: Record<string, string> } | undefined;

type AnySchema = z.ZodType;
type Output<S extends AnySchema | undefined, Fallback> = S extends AnySchema ? z.output<S> : Fallback;

export interface RouteDefinition<
  P extends AnySchema | undefined,
  Q extends AnySchema | undefined,
  B extends AnySchema | undefined,
> {
  method: HttpMethod;
  path: string;
  params?: P;
  query?: Q;
  /** Parses the JSON body; without it the body is not read (the handler may stream `req` itself). */
  body?: B;
  /** Largest JSON body accepted. Default 64 KiB. */
  maxBodyBytes?: number;
  handle(
    input: RouteInput<Output<P, Record<string, string>>, Output<Q, Record<string, string>>, Output<B, undefined>>,
  ): Promise<RouteReply>;
}

/** A declared route, its schemas erased for the dispatcher. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params?: AnySchema;
  readonly query?: AnySchema;
  readonly body?: AnySchema;
  readonly maxBodyBytes?: number;
  handle(input: RouteInput<unknown, unknown, unknown>): Promise<RouteReply>;
}

export function defineRoute<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(definition: RouteDefinition<P, Q, B>): Route {
  return definition as unknown as Route;
}

export type RouteMatch = { kind: "found"; route: Route; params: Record<string, string> } | { kind: "wrong_method" };

export interface Router {
  /** The route for a method and path; `wrong_method` when the path exists with other methods only. */
  match(method: string, pathname: string): RouteMatch | undefined;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map((route) => ({ route, segments: splitPath(route.path) }));
  return {
    match(method, pathname) {
      const segments = splitPath(pathname);
      let pathMatched = false;
      for (const { route, segments: pattern } of compiled) {
        const params = matchSegments(pattern, segments);
        if (!params) continue;
        pathMatched = true;
        if (route.method === method || (method === "HEAD" && route.method === "GET")) {
          return { kind: "found", route, params };
        }
      }
      return pathMatched ? { kind: "wrong_method" } : undefined;
    },
  };
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    if (part === "*" && index === pattern.length - 1) {
      params["*"] = segments.slice(index).join("/");
      return params;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (part !== segment) {
      return undefined;
    }
  }
  return segments.length === pattern.length ? params : undefined;
}
