// What the workshop benchmark uses to act like browsers without one: an HTTP client with its own cookie
// jar that sends Origin and the CSRF header like the pages do, a Server-Sent Events reader, and a terminal
// WebSocket that resolves on the first output byte (the prompt).
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

export interface JsonResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field where they are used
  json: any;
}

export class CookieClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const headers: Record<string, string> = { origin: this.origin, accept: "application/json" };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const csrf = this.cookies.get("circus_csrf");
    if (csrf) headers["x-circus-csrf"] = csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const separator = pair.indexOf("=");
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    const text = await response.text();
    return {
      status: response.status,
      json: text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined,
    };
  }

  /** Like `request`, but a status other than `expected` is an error naming the server's answer. */
  async expect(expected: number, method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const response = await this.request(method, path, body);
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.json)}`);
    }
    return response;
  }
}

export interface ServerEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event data are read field by field where they are used
  data: any;
  /** performance.now() when the event was parsed. */
  at: number;
}

/** Reads a text/event-stream; `waitFor` resolves with the first event (already received or coming) that matches. */
export class EventStreamReader {
  readonly events: ServerEvent[] = [];
  readonly #controller = new AbortController();
  readonly #waiters = new Set<{ match: (event: ServerEvent) => boolean; resolve: (event: ServerEvent) => void }>();

  static async open(client: CookieClient, path: string): Promise<EventStreamReader> {
    const reader = new EventStreamReader();
    const response = await fetch(`${client.origin}${path}`, {
      headers: { cookie: client.cookieHeader(), accept: "text/event-stream" },
      signal: reader.#controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`${path} answered ${response.status}`);
    void reader.#read(response.body).catch(() => undefined);
    return reader;
  }

  waitFor(match: (event: ServerEvent) => boolean, timeoutMs = 30_000): Promise<ServerEvent> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (event: ServerEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error("timed out waiting for a server event"));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#controller.abort();
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        const parsed: ServerEvent = { event, data: JSON.parse(data), at: performance.now() };
        this.events.push(parsed);
        for (const waiter of [...this.#waiters]) {
          if (waiter.match(parsed)) {
            this.#waiters.delete(waiter);
            waiter.resolve(parsed);
          }
        }
      }
    }
  }
}

/** Opens the run's terminal socket and resolves, with the open socket, at the first output byte. */
export function openTerminalUntilPrompt(
  client: CookieClient,
  runId: string,
  terminalId: string,
  timeoutMs = 30_000,
): Promise<WebSocket> {
  const query = new URLSearchParams({ run: runId, terminal: terminalId });
  const url = `${client.origin.replace(/^http/, "ws")}/ws/terminal?${query}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { cookie: client.cookieHeader(), origin: client.origin } });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no prompt within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("message", (data, isBinary) => {
      if (!isBinary || (data as Buffer).length === 0) return;
      clearTimeout(timer);
      resolve(socket);
    });
    socket.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`the terminal upgrade answered ${res.statusCode}`));
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`the terminal closed (${code} ${reason.toString()}) before a prompt`));
    });
  });
}
