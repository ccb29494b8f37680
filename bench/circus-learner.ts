// A learner of the Circus API as a browser is one: keeps its cookies, sends Origin and the CSRF header
// (double submit), starts a run and waits until it is ready, stops it.
import { z } from "zod";

const CSRF_COOKIE = "circus_csrf";
const CSRF_HEADER = "x-circus-csrf";

const runSchema = z.object({
  id: z.string(),
  status: z.string(),
  error: z.string().nullish(),
  terminals: z.array(z.object({ id: z.string(), host: z.string() })),
});
export type BenchRun = z.infer<typeof runSchema>;
const runAnswerSchema = z.object({ run: runSchema });

export class BenchLearner {
  readonly #cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** The Cookie header this learner's browser would send. */
  get cookieHeader(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Visits the home page, as a browser would first, to receive the learner and CSRF cookies. */
  async visit(): Promise<void> {
    const response = await this.#request("GET", "/");
    await response.body?.cancel();
  }

  /** Starts a run of `scenarioId` and polls it until it is ready. */
  async startReadyRun(scenarioId: string, timeoutMs = 120_000): Promise<BenchRun> {
    const started = await this.#request("POST", "/api/runs", { scenarioId });
    if (started.status !== 202) throw new Error(`POST /api/runs answered ${started.status}: ${await started.text()}`);
    const { run } = runAnswerSchema.parse(await started.json());
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.#request("GET", `/api/runs/${encodeURIComponent(run.id)}`);
      const current = runAnswerSchema.parse(await answer.json()).run;
      if (current.status === "ready") return current;
      if (current.status !== "starting" || Date.now() > deadline) {
        throw new Error(`run ${run.id} did not become ready: ${current.status} ${current.error ?? ""}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** POSTs `body` (default {}) to `path`; throws with the answer unless it is 2xx. */
  async post(path: string, body: unknown = {}): Promise<void> {
    const response = await this.#request("POST", path, body);
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    await response.body?.cancel();
  }

  async stopRun(runId: string): Promise<void> {
    const response = await this.#request("POST", `/api/runs/${encodeURIComponent(runId)}/stop`, {});
    await response.body?.cancel();
  }

  async #request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.origin };
    if (this.#cookies.size > 0) headers.cookie = this.cookieHeader;
    const csrf = this.#cookies.get(CSRF_COOKIE);
    if (csrf && method !== "GET") headers[CSRF_HEADER] = csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const separator = pair.indexOf("=");
      this.#cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    return response;
  }
}
