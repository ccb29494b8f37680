// A workshop instructor watching a learner's terminal, end to end: the real server (in-process, no Next),
// the real engine (runtime labelled `circus.test=<id>`), real `ws` sockets and SSE streams, on SQLite and
// PostgreSQL. Observers see output, cannot type, never start a shell, and the learner is told. Tickets
// travel in the Sec-WebSocket-Protocol header, open one socket, and the socket lives only as long as the
// workshop and the instructor's session.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEngine, runCommand } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLOSE_CODES, type ServerControl } from "../../contract/terminal-protocol";
import { hashToken } from "../instructors/instructor-session";
import { cookieHeaderOf, TerminalTestClient } from "../terminals/terminal-test-client";
import { pollUntilSettled, removeTestResources, SCENARIO_ID, writeTestScenario } from "../test/api-test-scenario";
import { postgresTestDatabase, sqliteTestDatabase } from "../test/test-databases";
import { LearnerClient, startWebTestServer, type WebTestServer } from "../test/web-test-server";
import { issueObserverTicket, OBSERVER_PROTOCOL, OBSERVER_TICKET_TTL_MS, observerProtocols } from "./observer-ticket";
import { openSse, type SseTestClient } from "./sse-test-client";

interface DatabaseFixture {
  url: string;
  cleanup(): Promise<void>;
}

interface Learner {
  client: LearnerClient;
  participantId: string;
  learnerId: string;
  runId: string;
  environmentId: string;
}

/** The test scenario declares no terminals, so its first is the one-per-host default, named for the host. */
const FIRST_TERMINAL = "node1";

/** Polls an in-process condition (bounded), for state that settles on the server side of a closed socket. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

const SETUP_TOKEN = randomBytes(32).toString("base64url");

/** An observer socket: the path (`observe=1` unless told otherwise) and the ticket in the subprotocols. */
function observerPath(options: { run: string; terminal: string; ticket: string; observe?: "1" | "0" | null }): {
  path: string;
  protocols: string[];
} {
  const query = new URLSearchParams({ run: options.run, terminal: options.terminal });
  const observe = options.observe === undefined ? "1" : options.observe;
  if (observe !== null) query.set("observe", observe);
  return { path: `/ws/terminal?${query}`, protocols: observerProtocols(options.ticket) };
}

/** A real `ws` client of an observer socket (the terminal test client has no ticket option). */
class ObserverSocket {
  readonly socket: WebSocket;
  readonly controls: ServerControl[] = [];
  /** Settles with the HTTP status when the server refused the upgrade, or "open". */
  readonly opened: Promise<number | "open">;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #chunks: Buffer[] = [];
  readonly #listeners = new Set<() => void>();
  #isClosed = false;

  constructor(origin: string, path: string, protocols: string[] = []) {
    this.socket = new WebSocket(`${origin.replace(/^http/, "ws")}${path}`, protocols, { headers: { origin } });
    this.opened = new Promise((resolve) => {
      this.socket.once("open", () => resolve("open"));
      this.socket.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        this.socket.terminate();
      });
    });
    this.closed = new Promise((resolve) => {
      this.socket.once("close", (code, reason) => {
        this.#isClosed = true;
        resolve({ code, reason: reason.toString() });
        for (const listener of [...this.#listeners]) listener();
      });
    });
    this.socket.on("error", () => undefined);
    this.socket.on("message", (data, isBinary) => {
      const bytes = Buffer.from(data as Buffer);
      if (isBinary) {
        this.#chunks.push(bytes);
        // Acknowledge like xterm.js, so flow control never skips output for this observer.
        this.socket.send(JSON.stringify({ type: "ack", bytes: bytes.length }));
      } else {
        this.controls.push(JSON.parse(bytes.toString("utf8")) as ServerControl);
      }
      for (const listener of [...this.#listeners]) listener();
    });
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }

  hello(): Extract<ServerControl, { type: "hello" }> | undefined {
    return this.controls.find((control) => control.type === "hello");
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text, "utf8"), { binary: true });
  }

  /** Resolves once `predicate` holds; rejects when the socket closes first or after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        const seen = JSON.stringify({ controls: this.controls, output: this.text().slice(-500) });
        reject(new Error(`${why} waiting for ${what}; got ${seen}`));
      };
      const timer = setTimeout(() => fail("timed out"), timeoutMs);
      const check = () => {
        if (!predicate()) {
          if (this.#isClosed) fail("the socket closed");
          return;
        }
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      this.#listeners.add(check);
    });
  }

  close(): void {
    this.socket.close();
  }
}

function defineObserverSuite(name: string, createDatabase: () => Promise<DatabaseFixture>): void {
  describe(name, () => {
    const testId = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    let folder: string;
    let database: DatabaseFixture;
    let server: WebTestServer;
    const streams: SseTestClient[] = [];
    const sockets: { socket: WebSocket }[] = [];
    // Set up once (beforeAll); the tests run in order and share the learners' lab and terminal 1.
    let owner: LearnerClient;
    let ownerId = "";
    let otherInstructor: LearnerClient;
    let workshopId = "";
    let grace: Learner;
    let linus: Learner;
    let graceTerminal: TerminalTestClient;

    async function visitor(): Promise<LearnerClient> {
      const client = new LearnerClient(server.origin);
      await client.visit();
      return client;
    }
    async function signUp(email: string, invitation?: string): Promise<{ client: LearnerClient; id: string }> {
      const client = await visitor();
      const body = {
        email,
        displayName: email.split("@")[0],
        password: "a long enough password",
        ...(invitation ? { invitation } : { setupToken: SETUP_TOKEN }),
      };
      const response = await client.request("POST", "/api/instructors/sign-up", { body });
      if (response.status !== 201) throw new Error(`sign-up of ${email} failed: ${JSON.stringify(response.json)}`);
      return { client, id: response.json.instructor.id };
    }
    async function joinAndStart(code: string, displayName: string): Promise<Learner> {
      const client = await visitor();
      const joined = await client.request("POST", "/api/join", { body: { code, displayName } });
      if (joined.status !== 200) throw new Error(`${displayName} could not join: ${JSON.stringify(joined.json)}`);
      const started = await client.request("POST", "/api/runs", { body: { scenarioId: SCENARIO_ID } });
      const runId: string = started.json.run.id;
      const settled = await pollUntilSettled(client, runId);
      if (settled.json.run.status !== "ready") throw new Error(`run not ready: ${JSON.stringify(settled.json)}`);
      const run = await server.app.context.db.getRun(runId);
      if (!run?.environmentId) throw new Error(`run ${runId} has no environment`);
      const participantId: string = joined.json.workshop.participant.id;
      return { client, participantId, learnerId: run.learnerId, runId, environmentId: run.environmentId };
    }
    async function sse(client: LearnerClient): Promise<SseTestClient> {
      const stream = await openSse(`${server.origin}/api/me/workshop/events`, { cookie: cookieHeaderOf(client) });
      streams.push(stream);
      await stream.waitFor((e) => e.event === "hello");
      return stream;
    }
    function ticketOf(instructor: LearnerClient, learner: Learner) {
      const path = `/api/workshops/${workshopId}/participants/${learner.participantId}/terminal-ticket`;
      return instructor.request("GET", path);
    }
    /** Where the instructor's page connects with a ticket response: its path, its ticket in the subprotocols. */
    const socketOf = (json: { socketPath: string; protocols: string[] }) => ({
      path: json.socketPath,
      protocols: json.protocols,
    });
    async function ticketFor(learner: Learner): Promise<string> {
      const response = await ticketOf(owner, learner);
      if (response.status !== 200) throw new Error(`no ticket: ${JSON.stringify(response.json)}`);
      return response.json.ticket;
    }
    function observe(target: { path: string; protocols: string[] }): ObserverSocket {
      const observer = new ObserverSocket(server.origin, target.path, target.protocols);
      sockets.push(observer);
      return observer;
    }
    /** The shells (`bash ...`) running in the learner's container, as `pid args` lines. */
    async function shellsOf(learner: Learner): Promise<string[]> {
      const containerId = server.app.context.runtime.get(learner.environmentId)?.hosts[0]?.containerId;
      if (!containerId) throw new Error(`environment ${learner.environmentId} has no container`);
      const ps = await runCommand(await connectEngine(), containerId, {
        argv: ["ps", "-eo", "pid,args", "--no-headers"],
      });
      return ps.stdout
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^\d+ -?bash\b/.test(line));
    }
    const watchingEvents = (stream: SseTestClient) => stream.events.filter((e) => e.event === "watching");

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "circus-web-observer-"));
      await writeTestScenario(join(folder, "scenarios"));
      database = await createDatabase();
      server = await startWebTestServer({
        scenariosDir: join(folder, "scenarios"),
        databaseUrl: database.url,
        testId,
        secret,
        env: { CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000", CIRCUS_SETUP_TOKEN: SETUP_TOKEN },
        workshops: { heartbeatMs: 300, schedulerIntervalMs: 300 },
      });
      // The first account is the admin (who sees every workshop); the owner and the other are invited.
      const admin = await signUp("ada@example.org");
      const invite = async () =>
        (await admin.client.request("POST", "/api/instructors/invitations")).json.invitation.token;
      const bob = await signUp("bob@example.org", await invite());
      owner = bob.client;
      ownerId = bob.id;
      otherInstructor = (await signUp("carol@example.org", await invite())).client;
      const created = await owner.request("POST", "/api/workshops", {
        body: { title: "Watched", scenarioIds: [SCENARIO_ID], startsAt: minutes(-1), endsAt: minutes(60), capacity: 2 },
      });
      if (created.status !== 201) throw new Error(`no workshop: ${JSON.stringify(created.json)}`);
      workshopId = created.json.workshop.id;
      grace = await joinAndStart(created.json.workshop.joinCode, "Grace");
      linus = await joinAndStart(created.json.workshop.joinCode, "Linus");
    });

    afterAll(async () => {
      for (const { socket } of sockets) socket.terminate();
      graceTerminal?.socket.terminate();
      for (const stream of streams) stream.close();
      await server?.close();
      await removeTestResources(testId);
      await database?.cleanup();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it("lets the workshop's instructor watch the learner's terminal read-only, and tells only that learner", async () => {
      const graceEvents = await sse(grace.client);
      expect(graceEvents.events[0]?.data.watched).toBe(false);
      const linusEvents = await sse(linus.client);

      graceTerminal = new TerminalTestClient(server.origin, {
        run: grace.runId,
        terminal: "1",
        cookie: cookieHeaderOf(grace.client),
      });
      expect(await graceTerminal.opened).toBe("open");
      await graceTerminal.waitForHello();

      const ticket = await ticketOf(owner, grace);
      expect(ticket.status).toBe(200);
      expect(ticket.json.runId).toBe(grace.runId);
      // The ticket's ready-made path names the scenario's first terminal (here the host's default,
      // `node1`); the instructor watches whichever terminal the learner has open, here on-demand "1".
      const [socketPath = "", socketQuery] = ticket.json.socketPath.split("?");
      expect(socketPath).toBe("/ws/terminal");
      // The ticket is not in the URL (proxies and histories keep URLs): it rides in the subprotocols.
      expect(Object.fromEntries(new URLSearchParams(socketQuery))).toEqual({
        run: grace.runId,
        terminal: FIRST_TERMINAL,
        observe: "1",
      });
      expect(ticket.json.protocols).toEqual([OBSERVER_PROTOCOL, `circus.ticket.${ticket.json.ticket}`]);
      const observer = observe(observerPath({ run: grace.runId, terminal: "1", ticket: ticket.json.ticket }));
      expect(await observer.opened).toBe("open");
      // The server answers with the observer protocol, never echoing the ticket.
      expect(observer.socket.protocol).toBe(OBSERVER_PROTOCOL);
      await observer.waitFor(() => observer.hello() !== undefined, "hello");
      expect(observer.hello()).toMatchObject({ terminal: "1", readOnly: true });
      expect((await graceEvents.waitFor((e) => e.event === "watching")).data).toEqual({ on: true });

      // (1) The learner types; the observer sees the output.
      graceTerminal.type("echo watched-$((6*7))\r");
      await observer.waitFor(() => /watched-42\r\n/.test(observer.text()), "the learner's output");

      // (2) The observer types: refused with `read_only`, and the learner's shell never gets it.
      observer.type("echo observer-$((3*3))\r");
      await observer.waitFor(
        () => observer.controls.some((control) => control.type === "error" && control.code === "read_only"),
        "the read-only notice",
      );
      graceTerminal.type("echo after-$((5*5))\r");
      await graceTerminal.waitForText(/after-25\r\n/);
      await observer.waitFor(() => /after-25\r\n/.test(observer.text()), "the learner's later output");
      expect(graceTerminal.text()).not.toContain("observer-");
      expect(observer.text()).not.toContain("observer-");

      // (3) The observer leaves: the learner is told, and keeps their shell.
      observer.close();
      await observer.closed;
      await graceEvents.waitFor((e) => e.event === "watching" && e.data.on === false);
      expect(watchingEvents(graceEvents).map((e) => e.data)).toEqual([{ on: true }, { on: false }]);
      expect(watchingEvents(linusEvents)).toEqual([]);
      graceTerminal.type("echo still-$((7*7))\r");
      await graceTerminal.waitForText(/still-49\r\n/);
    });

    it("refuses a ticket for another run, a tampered, expired or used one, one in the URL, and a ticket without observe=1", async () => {
      const { bus } = server.app.context.workshops;
      const ticket = await ticketFor(grace);
      // An upgrade that wrongly succeeds is closed again, so it cannot mark the learner watched for later tests.
      const refused = async (target: { path: string; protocols: string[] }) => {
        const attempt = observe(target);
        const opened = await attempt.opened;
        if (opened === "open") attempt.close();
        return opened;
      };
      // Issued for Grace's run: not valid for Linus's.
      expect(await refused(observerPath({ run: linus.runId, terminal: "1", ticket }))).toBe(404);
      // Tampered: the payload rewritten to name Linus's run, or the signature changed.
      const [payload = "", signature = ""] = ticket.split(".");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const rewritten = Buffer.from(JSON.stringify({ ...claims, r: linus.runId })).toString("base64url");
      expect(
        await refused(observerPath({ run: linus.runId, terminal: "1", ticket: `${rewritten}.${signature}` })),
      ).toBe(404);
      const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
      expect(await refused(observerPath({ run: grace.runId, terminal: "1", ticket: `${payload}.${flipped}` }))).toBe(
        404,
      );
      // Expired: minted with the server's secret as if issued a TTL (and a second) ago; a fresh one opens.
      const sessionTokenHash = hashToken(owner.cookies.get("circus_instructor") ?? "");
      const mint = (now: number) =>
        issueObserverTicket(secret, { runId: grace.runId, workshopId, instructorId: ownerId, sessionTokenHash }, now)
          .ticket;
      const expired = mint(Date.now() - OBSERVER_TICKET_TTL_MS - 1_000);
      expect(await refused(observerPath({ run: grace.runId, terminal: "1", ticket: expired }))).toBe(404);
      const freshTicket = mint(Date.now());
      const fresh = observe(observerPath({ run: grace.runId, terminal: "1", ticket: freshTicket }));
      expect(await fresh.opened).toBe("open");
      fresh.close();
      await fresh.closed;
      await until(() => !bus.isWatched(workshopId, grace.learnerId), "the fresh observer's watch to end");
      // A ticket opens one socket: the same one again is refused, even within its minute.
      expect(await refused(observerPath({ run: grace.runId, terminal: "1", ticket: freshTicket }))).toBe(404);
      // A ticket in the URL (where the old pages put it) is refused outright, even a valid unused one.
      const inUrl = { path: `/ws/terminal?run=${grace.runId}&terminal=1&observe=1&ticket=${ticket}`, protocols: [] };
      expect(await refused(inUrl)).toBe(400);
      // A ticket is only for observers.
      expect(await refused(observerPath({ run: grace.runId, terminal: "1", ticket, observe: null }))).toBe(400);
      expect(await refused(observerPath({ run: grace.runId, terminal: "1", ticket, observe: "0" }))).toBe(400);
    });

    it("gives tickets only to the workshop's instructors: another instructor gets 404, a learner 401", async () => {
      const other = await ticketOf(otherInstructor, grace);
      expect([other.status, other.json?.error?.code]).toEqual([404, "workshop_not_found"]);
      expect(other.json.ticket).toBeUndefined();
      const learner = await ticketOf(linus.client, grace);
      expect(learner.status).toBe(401);
      expect(learner.json.ticket).toBeUndefined();
      expect((await ticketOf(grace.client, grace)).status).toBe(401);
    });

    it("closes an observer of a terminal the learner has not opened with 4404, starting no shell", async () => {
      const { terminals } = server.app;
      const { bus } = server.app.context.workshops;
      const shellsBefore = await shellsOf(grace);
      expect(shellsBefore).toHaveLength(1);

      // The ticket's own path: the scenario's first terminal, which this learner has not opened (they use "1").
      const observer = observe(socketOf((await ticketOf(owner, grace)).json));
      expect(await observer.opened).toBe("open");
      const attached = observer.waitFor(() => observer.hello() !== undefined, "hello").then(() => "attached");
      const outcome = await Promise.race([observer.closed, attached.catch(() => observer.closed)]);
      expect(outcome).toEqual({
        code: CLOSE_CODES.terminalNotOpen,
        reason: expect.stringMatching(/not opened/),
      });
      expect(observer.controls).toEqual([]);
      expect(await terminals.findSession(grace.environmentId, FIRST_TERMINAL)).toBeUndefined();
      expect(bus.isWatched(workshopId, grace.learnerId)).toBe(false);
      expect(await shellsOf(grace)).toEqual(shellsBefore);

      // Once the learner opens it (a new shell, which `ps` sees), the observer may watch it.
      const learnerTab = new TerminalTestClient(server.origin, {
        run: grace.runId,
        terminal: FIRST_TERMINAL,
        cookie: cookieHeaderOf(grace.client),
      });
      sockets.push(learnerTab);
      expect(await learnerTab.opened).toBe("open");
      await learnerTab.waitForHello();
      // The shell starts a moment after the terminal says hello (and forks while its profile runs): wait for `ps`.
      await expect.poll(() => shellsOf(grace), { timeout: 10_000 }).toHaveLength(2);
      const watching = observe(socketOf((await ticketOf(owner, grace)).json));
      expect(await watching.opened).toBe("open");
      await watching.waitFor(() => watching.hello() !== undefined, "hello");
      expect(watching.hello()).toMatchObject({ terminal: FIRST_TERMINAL, readOnly: true });
      expect(await shellsOf(grace)).toHaveLength(2);
    });

    it("checks the instructor's session again at the upgrade, and closes the socket when they sign out", async () => {
      const signIn = async () => {
        const client = await visitor();
        const response = await client.request("POST", "/api/instructors/sign-in", {
          body: { email: "bob@example.org", password: "a long enough password" },
        });
        if (response.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(response.json)}`);
        return client;
      };
      // A ticket from a session that signed out before the upgrade opens nothing.
      const laptop = await signIn();
      const stale = (await ticketOf(laptop, grace)).json.ticket;
      expect((await laptop.request("POST", "/api/instructors/sign-out")).status).toBe(200);
      const refusedAttempt = observe(observerPath({ run: grace.runId, terminal: "1", ticket: stale }));
      expect(await refusedAttempt.opened).toBe(404);

      // Signing out closes the socket the session opened; the owner's other session is untouched.
      const tablet = await signIn();
      const watching = observe(
        observerPath({ run: grace.runId, terminal: "1", ticket: (await ticketOf(tablet, grace)).json.ticket }),
      );
      expect(await watching.opened).toBe("open");
      await watching.waitFor(() => watching.hello() !== undefined, "hello");
      expect((await tablet.request("POST", "/api/instructors/sign-out")).status).toBe(200);
      expect(await watching.closed).toEqual({ code: CLOSE_CODES.observerRevoked, reason: "the instructor signed out" });
      expect((await owner.request("GET", "/api/instructors/me")).status).toBe(200);
    });

    it("closes the observer socket when the workshop ends (last: it ends the workshop)", async () => {
      const watching = observe(observerPath({ run: grace.runId, terminal: "1", ticket: await ticketFor(grace) }));
      expect(await watching.opened).toBe("open");
      await watching.waitFor(() => watching.hello() !== undefined, "hello");
      const ended = await owner.request("POST", `/api/workshops/${workshopId}/end`);
      expect(ended.status).toBe(200);
      expect(await watching.closed).toEqual({ code: CLOSE_CODES.observerRevoked, reason: "the workshop ended" });
    });
  });
}

defineObserverSuite("watching a learner's terminal on SQLite", () => sqliteTestDatabase("circus-web-observer-db"));

defineObserverSuite("watching a learner's terminal on PostgreSQL (CIRCUS_TEST_POSTGRES_URL)", () =>
  postgresTestDatabase("circus_web_observer"),
);
