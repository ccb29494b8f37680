// The HTTP side of a simulated learner, as a browser is one: a cookie jar of its own (learner and
// CSRF cookies), Origin and the double-submit CSRF header on writes, and its own client address.
import { z } from "zod";

const CSRF_COOKIE = "circus_csrf";
const CSRF_HEADER = "x-circus-csrf";
const REQUEST_TIMEOUT_MS = 30_000;

/** A refusal or failure of the server, named by its HTTP status and the API's error code. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const errorAnswerSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export class LearnerHttp {
  readonly #cookies = new Map<string, string>();

  constructor(
    readonly origin: string,
    /** Sent as X-Forwarded-For: counts only where the server trusts this machine as a proxy. */
    readonly forwardedFor: string,
  ) {}

  get cookieHeader(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Sends a request and answers its JSON body; a status outside 2xx is an ApiError. */
  async json(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<unknown> {
    const response = await this.#send(method, path, body);
    const text = await response.text();
    const parsed: unknown =
      text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
    if (response.status >= 200 && response.status < 300) return parsed;
    const error = errorAnswerSchema.safeParse(parsed);
    throw new ApiError(
      response.status,
      error.success ? error.data.error.code : `http_${response.status}`,
      error.success ? error.data.error.message : `${method} ${path} answered ${response.status}`,
    );
  }

  /** Fetches a page (to receive the cookies, as a first visit does) and drops its body. */
  async visit(path: string): Promise<void> {
    const response = await this.#send("GET", path);
    await response.arrayBuffer();
    if (response.status !== 200)
      throw new ApiError(response.status, `http_${response.status}`, `GET ${path} answered ${response.status}`);
  }

  /** Opens a Server-Sent Events stream (no timeout: it lasts until `signal` aborts or the server ends it). */
  async events(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send("GET", path, undefined, { signal, accept: "text/event-stream" });
    if (response.status !== 200 || !response.body) {
      await response.arrayBuffer().catch(() => undefined);
      throw new ApiError(response.status, `http_${response.status}`, `GET ${path} answered ${response.status}`);
    }
    return response.body;
  }

  async #send(
    method: string,
    path: string,
    body?: unknown,
    options: { signal?: AbortSignal; accept?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      origin: this.origin,
      accept: options.accept ?? "application/json",
      "x-forwarded-for": this.forwardedFor,
    };
    if (this.#cookies.size > 0) headers.cookie = this.cookieHeader;
    const csrf = this.#cookies.get(CSRF_COOKIE);
    if (csrf && method !== "GET") headers[CSRF_HEADER] = csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: options.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const separator = pair.indexOf("=");
      if (separator > 0) this.#cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  }
}
