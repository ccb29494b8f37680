// Integration-test fixtures: the real web server (no Next: a minimal page handler) on 127.0.0.1 with an
// ephemeral port, over the real engine (runtime labelled `circus.test=<id>`) and a real database, plus a
// learner client that keeps its cookies and sends the CSRF header and Origin like the player does.
import { parseConfig, type WebConfig } from "../../config";
import { CSRF_COOKIE, CSRF_HEADER } from "../http/csrf";
import { startCircus } from "../start-circus";
import type { WebApp } from "../web-app";
import type { WorkshopServicesOptions } from "../workshops/workshop-services";

export const TEST_LABEL = "circus.test";

export interface WebTestServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  config: WebConfig;
  app: WebApp;
  /** Stops like a shutdown: environments keep running for the next server to adopt. */
  close(): Promise<void>;
}

/** The setup token of every test server (a suite may set its own CIRCUS_SETUP_TOKEN): the first sign-up sends it. */
export const TEST_SETUP_TOKEN = "test-setup-token-that-claims-the-first-admin";

export async function startWebTestServer(options: {
  scenariosDir: string;
  databaseUrl: string;
  testId: string;
  secret: string;
  env?: Record<string, string>;
  /** Shorter intervals and limits for workshop tests. */
  workshops?: WorkshopServicesOptions;
  /** How often terminal recordings flush (default the server's 2 s). */
  recordingFlushIntervalMs?: number;
  /** How often the runtime reaps (default the sandbox's 30 s). */
  reapIntervalMs?: number;
  /** How often runs are checked against the runtime (default 500 ms here). */
  expirySyncIntervalMs?: number;
  /** Called with the SQL of every database query the server sends. */
  onDatabaseQuery?: (sql: string) => void;
}): Promise<WebTestServer> {
  const config = parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    CIRCUS_SCENARIOS_DIR: options.scenariosDir,
    DATABASE_URL: options.databaseUrl,
    CIRCUS_SECRET: options.secret,
    CIRCUS_WARM_POOL_SIZE: "0",
    LOG_LEVEL: process.env.CIRCUS_TEST_LOG_LEVEL ?? "silent",
    NODE_ENV: "test",
    // Suites start many runs from one address (and some learners start several): the caps have tests of their own.
    CIRCUS_ENVIRONMENTS_PER_LEARNER: "100",
    CIRCUS_ENVIRONMENTS_PER_ADDRESS: "10000",
    CIRCUS_SETUP_TOKEN: TEST_SETUP_TOKEN,
    ...options.env,
  });
  const circus = await startCircus({
    config,
    pages: async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>test page</title>");
    },
    strictCatalog: true,
    context: {
      runtimeLabels: { [TEST_LABEL]: options.testId },
      expirySyncIntervalMs: options.expirySyncIntervalMs ?? 500,
      ...(options.workshops ? { workshops: options.workshops } : {}),
      ...(options.recordingFlushIntervalMs ? { recordingFlushIntervalMs: options.recordingFlushIntervalMs } : {}),
      ...(options.reapIntervalMs ? { reapIntervalMs: options.reapIntervalMs } : {}),
      ...(options.onDatabaseQuery ? { onDatabaseQuery: options.onDatabaseQuery } : {}),
    },
  });
  return { origin: circus.origin, config: circus.config, app: circus.app, close: circus.close };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read loosely and asserted field by field
  json: any;
}

/** A browser-like learner: keeps cookies, sends Origin and the CSRF header unless told otherwise. */
export class LearnerClient {
  readonly cookies = new Map<string, string>();

  constructor(public origin: string) {}

  async request(
    method: string,
    path: string,
    options: {
      body?: unknown;
      csrf?: "auto" | "none" | string;
      origin?: string | null;
      referer?: string;
      /** Extra headers, e.g. X-Forwarded-For. */
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const csrf = options.csrf ?? "auto";
    if (csrf === "auto") {
      const token = this.cookies.get(CSRF_COOKIE);
      if (token) headers[CSRF_HEADER] = token;
    } else if (csrf !== "none") {
      headers[CSRF_HEADER] = csrf;
    }
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    if (options.referer) headers.referer = options.referer;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const separator = pair.indexOf("=");
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.startsWith("application/json");
    return { status: response.status, headers: response.headers, json: isJson && text ? JSON.parse(text) : undefined };
  }

  /** Visits a page first, as a browser would, to receive the learner and CSRF cookies. */
  async visit(): Promise<void> {
    await this.request("GET", "/");
  }
}
