// Integration-test fixtures of the terminal, preview and file suites: a one-host scenario served by the
// shared test server (test/web-test-server.ts) with a ready run, and a real `ws` client of /ws/terminal.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import WebSocket from "ws";
import type { ServerControl } from "../../contract/terminal-protocol";
import { startReadyRun } from "../test/ready-run";
import { LearnerClient, startWebTestServer, TEST_LABEL, type WebTestServer } from "../test/web-test-server";
import type { WorkshopServicesOptions } from "../workshops/workshop-services";

export const LAB_SCENARIO_ID = "terminal-test";
export const LAB_HOST = "node1";

const SCENARIO_FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Terminal test",
    "hosts:",
    `  - name: ${LAB_HOST}`,
    "    image: circus/base",
    "    disk: 64m", // small, so the disk-quota test stops it quickly
    "terminals:",
    `  - { id: shell, title: Shell, host: ${LAB_HOST} }`,
    `  - { id: greeter, title: Greeter, host: ${LAB_HOST}, command: "echo greeted-$((6*7)); exec bash" }`,
    "---",
    "Intro.",
  ].join("\n"),
  "01-step.md": ["# Step", "", "Do something."].join("\n"),
};

export interface LabFixture {
  server: WebTestServer;
  /** A learner that visited a page (has the learner and CSRF cookies). */
  learner(): Promise<LearnerClient>;
  /** Starts a run of the test scenario for `client` and waits until it is ready; returns its id. */
  startReadyRun(client: LearnerClient): Promise<string>;
  environmentOf(runId: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * `env`: configuration on top of the fixture's own (e.g. lower caps for the test); `workshops`: the
 * workshop services' options (e.g. a heartbeat so long that only pushes can deliver a stream's events).
 */
export async function startLabFixture(
  env: Record<string, string> = {},
  options: { workshops?: WorkshopServicesOptions } = {},
): Promise<LabFixture> {
  const testId = randomBytes(6).toString("hex");
  const folder = await mkdtemp(join(tmpdir(), "circus-web-terminals-"));
  const scenariosDir = join(folder, "scenarios");
  for (const [path, content] of Object.entries(SCENARIO_FILES)) {
    const file = join(scenariosDir, LAB_SCENARIO_ID, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  const server = await startWebTestServer({
    scenariosDir,
    databaseUrl: `file:${join(folder, "circus.db")}`,
    testId,
    secret: randomBytes(32).toString("base64url"),
    env: { CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "100", CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000", ...env },
    ...(options.workshops ? { workshops: options.workshops } : {}),
  });
  const fixture: LabFixture = {
    server,
    async learner() {
      const client = new LearnerClient(server.origin);
      await client.visit();
      return client;
    },
    startReadyRun: (client) => startReadyRun(client, LAB_SCENARIO_ID),
    async environmentOf(runId) {
      const run = await server.app.context.db.getRun(runId);
      if (!run?.environmentId) throw new Error(`run ${runId} has no environment`);
      return run.environmentId;
    },
    async dispose() {
      await server.close();
      const docker = await connectEngine();
      const filters = { label: [`${TEST_LABEL}=${testId}`] };
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
      await rm(folder, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** The Cookie header a learner's browser would send. */
export function cookieHeaderOf(client: LearnerClient): string {
  return [...client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}

export interface TerminalSocketOptions {
  run: string;
  terminal: string;
  host?: string;
  since?: number;
  observe?: boolean;
  /** Sent as Cookie; default none. */
  cookie?: string;
  /** Sent as Origin; null sends none. Default the server's origin. */
  origin?: string | null;
  /** Acknowledge output as it arrives, like xterm.js writing it. Default true. */
  autoAck?: boolean;
}

/** A real `ws` client of the terminal socket that records what the server sends. */
export class TerminalTestClient {
  readonly socket: WebSocket;
  readonly controls: ServerControl[] = [];
  readonly chunks: Buffer[] = [];
  autoAck: boolean;
  /** Settles with the HTTP status when the server refused the upgrade, or "open". */
  readonly opened: Promise<number | "open">;
  readonly closed: Promise<{ code: number; reason: string }>;
  #receivedBytes = 0;
  #ackedBytes = 0;
  #listeners = new Set<() => void>();

  constructor(origin: string, options: TerminalSocketOptions) {
    const query = new URLSearchParams({ run: options.run, terminal: options.terminal });
    if (options.host) query.set("host", options.host);
    if (options.since !== undefined) query.set("since", String(options.since));
    if (options.observe) query.set("observe", "1");
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    const sentOrigin = options.origin === undefined ? origin : options.origin;
    if (sentOrigin !== null) headers.origin = sentOrigin;
    this.autoAck = options.autoAck ?? true;
    this.socket = new WebSocket(`${origin.replace(/^http/, "ws")}/ws/terminal?${query}`, { headers });
    this.opened = new Promise((resolve) => {
      this.socket.once("open", () => resolve("open"));
      this.socket.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        this.socket.terminate();
      });
    });
    this.closed = new Promise((resolve) => {
      this.socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.socket.on("error", () => undefined);
    this.socket.on("message", (data, isBinary) => {
      const bytes = Buffer.from(data as Buffer);
      if (isBinary) {
        this.chunks.push(bytes);
        this.#receivedBytes += bytes.length;
        if (this.autoAck) this.ackAll();
      } else {
        this.controls.push(JSON.parse(bytes.toString("utf8")) as ServerControl);
      }
      for (const listener of [...this.#listeners]) listener();
    });
  }

  get receivedBytes(): number {
    return this.#receivedBytes;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  hello(): Extract<ServerControl, { type: "hello" }> | undefined {
    return this.controls.find((control) => control.type === "hello");
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text, "utf8"), { binary: true });
  }

  sendControl(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Acknowledges every byte received so far. */
  ackAll(): void {
    const bytes = this.#receivedBytes - this.#ackedBytes;
    if (bytes <= 0 || this.socket.readyState !== WebSocket.OPEN) return;
    this.#ackedBytes += bytes;
    this.sendControl({ type: "ack", bytes });
  }

  /** Resolves once `predicate` holds (checked on every message), rejecting after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(this.text().slice(-500))}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      this.#listeners.add(check);
    });
  }

  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<void> {
    const matches = () => (typeof pattern === "string" ? this.text().includes(pattern) : pattern.test(this.text()));
    return this.waitFor(matches, `output ${pattern}`, timeoutMs);
  }

  waitForHello(): Promise<void> {
    return this.waitFor(() => this.hello() !== undefined, "hello");
  }

  close(): void {
    this.socket.close();
  }
}
