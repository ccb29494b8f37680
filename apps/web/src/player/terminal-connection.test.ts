// The terminal client against a real WebSocket server on loopback (the `ws` package on both ends):
// acks after writes, replay without duplicates, reconnects with `since`, refusals and exits.
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type WebSocket as ServerSocket, WebSocket, WebSocketServer } from "ws";
import { backoffDelay, type SocketLike, TerminalConnection, type TerminalStatus } from "./terminal-connection";

interface Accepted {
  socket: ServerSocket;
  url: URL;
  /** Text frames received, parsed. */
  controls: Record<string, unknown>[];
  /** Binary frames received, decoded. */
  input: string[];
}

let server: WebSocketServer;
let accepted: Accepted[];
let waiters: Array<() => void>;
let baseUrl: string;

beforeEach(async () => {
  accepted = [];
  waiters = [];
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/terminal?run=r1&host=node1&terminal=1`;
  server.on("connection", (socket, request) => {
    const entry: Accepted = { socket, url: new URL(request.url ?? "/", "http://x"), controls: [], input: [] };
    socket.on("message", (data, isBinary) => {
      if (isBinary) entry.input.push(Buffer.from(data as Buffer).toString("utf8"));
      else entry.controls.push(JSON.parse(String(data)));
      notify();
    });
    accepted.push(entry);
    notify();
  });
});

afterEach(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function notify(): void {
  for (const waiter of waiters.splice(0)) waiter();
}

/** Resolves once `condition` holds, re-checking on every server event and status change. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
}

function connect(options: { initialMs?: number } = {}) {
  const written: string[] = [];
  const statuses: TerminalStatus[] = [];
  let resets = 0;
  const connection = new TerminalConnection({
    url: baseUrl,
    backoff: { initialMs: options.initialMs ?? 10, maxMs: 40 },
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    sink: {
      write: (bytes, done) => {
        written.push(Buffer.from(bytes).toString("utf8"));
        queueMicrotask(done);
        notify();
      },
      reset: () => {
        resets++;
        written.length = 0;
      },
    },
    onStatusChange: (status) => {
      statuses.push(status);
      notify();
    },
  });
  return { connection, written, statuses, resets: () => resets };
}

const hello = (offset: number) => JSON.stringify({ type: "hello", terminal: "1", offset, readOnly: false });

describe("backoffDelay", () => {
  it("doubles from the initial delay and stops growing at the cap", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffDelay(attempt, { initialMs: 250, maxMs: 5000 }));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
});

describe("TerminalConnection", () => {
  it("writes binary output after hello and acks each frame with its byte count once written", async () => {
    const { connection, written } = connect();
    await until(() => accepted.length === 1);
    expect(accepted[0]!.url.searchParams.has("since")).toBe(false);
    accepted[0]!.socket.send(hello(0));
    accepted[0]!.socket.send(Buffer.from("root@node1:~# "));
    accepted[0]!.socket.send(Buffer.from("héllo"));
    await until(() => accepted[0]!.controls.filter((c) => c.type === "ack").length === 2);
    expect(written.join("")).toBe("root@node1:~# héllo");
    expect(accepted[0]!.controls.filter((c) => c.type === "ack")).toEqual([
      { type: "ack", bytes: 14 },
      { type: "ack", bytes: 6 },
    ]);
    expect(connection.status).toBe("connected");
    expect(connection.offset).toBe(20);
    connection.dispose();
  });

  it("sends input as binary frames only while connected, and the size after every hello", async () => {
    const { connection, statuses } = connect();
    connection.resize(100, 30);
    expect(connection.send("typed blind")).toBe(false);
    await until(() => accepted.length === 1);
    accepted[0]!.socket.send(hello(0));
    await until(() => statuses.includes("connected"));
    expect(connection.send("ls\r")).toBe(true);
    await until(() => accepted[0]!.input.length === 1);
    expect(accepted[0]!.input).toEqual(["ls\r"]);
    expect(accepted[0]!.controls).toContainEqual({ type: "resize", cols: 100, rows: 30 });
    connection.dispose();
  });

  it("reconnects with since=<offset> after a drop, without clearing when the replay continues the screen", async () => {
    const { connection, written, statuses, resets } = connect();
    await until(() => accepted.length === 1);
    accepted[0]!.socket.send(hello(0));
    accepted[0]!.socket.send(Buffer.from("first "));
    await until(() => written.join("") === "first ");
    expect(resets()).toBe(1);

    accepted[0]!.socket.terminate();
    await until(() => statuses.includes("disconnected"));
    expect(connection.send("lost")).toBe(false);
    await until(() => accepted.length === 2);
    expect(accepted[1]!.url.searchParams.get("since")).toBe("6");
    accepted[1]!.socket.send(hello(6));
    accepted[1]!.socket.send(Buffer.from("second"));
    await until(() => written.join("") === "first second");
    expect(resets()).toBe(1);
    expect(statuses.at(-1)).toBe("connected");
    connection.dispose();
  });

  it("clears the screen when the server replays from another offset, so nothing shows twice", async () => {
    const { connection, written, resets } = connect();
    await until(() => accepted.length === 1);
    accepted[0]!.socket.send(hello(0));
    accepted[0]!.socket.send(Buffer.from("abc"));
    await until(() => written.join("") === "abc");
    accepted[0]!.socket.terminate();
    await until(() => accepted.length === 2);
    // The server no longer had offset 3 in its buffer: it replays its whole scrollback instead.
    accepted[1]!.socket.send(hello(0));
    accepted[1]!.socket.send(Buffer.from("abcdef"));
    await until(() => written.join("") === "abcdef");
    expect(resets()).toBe(2);
    expect(connection.offset).toBe(6);
    connection.dispose();
  });

  it("stops for good on exit and on a refusal close code, but not on a plain drop", async () => {
    const exited = connect();
    await until(() => accepted.length === 1);
    accepted[0]!.socket.send(hello(0));
    accepted[0]!.socket.send(JSON.stringify({ type: "exit", code: 0, reason: "exited", message: "the shell exited" }));
    await until(() => exited.statuses.includes("exited"));

    const refused = connect();
    await until(() => accepted.length === 2);
    accepted[1]!.socket.close(4400, "bad frame");
    await until(() => refused.statuses.includes("disconnected"));

    // A third client that is dropped does come back: only the two above must stay away.
    const dropped = connect();
    await until(() => accepted.length === 3);
    accepted[2]!.socket.terminate();
    await until(() => accepted.length === 4);
    expect(accepted[3]!.url.searchParams.has("since")).toBe(false);
    expect(exited.connection.status).toBe("exited");
    expect(refused.connection.status).toBe("disconnected");
    for (const client of [exited, refused, dropped]) client.connection.dispose();
  });

  it("keeps retrying while the server is away, then connects when it is back", async () => {
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const client of server.clients) client.terminate();
    const { connection, statuses } = connect({ initialMs: 5 });
    await until(() => statuses.filter((s) => s === "disconnected").length >= 2);
    server = new WebSocketServer({ host: "127.0.0.1", port });
    server.on("connection", (socket) => socket.send(hello(0)));
    await until(() => connection.status === "connected");
    connection.dispose();
  });

  it("ignores malformed and unknown control messages", async () => {
    const { connection, statuses } = connect();
    await until(() => accepted.length === 1);
    accepted[0]!.socket.send("not json");
    accepted[0]!.socket.send(JSON.stringify({ type: "party" }));
    accepted[0]!.socket.send(hello(0));
    await until(() => statuses.includes("connected"));
    expect(connection.status).toBe("connected");
    connection.dispose();
  });

  it("sends its size as soon as the socket opens, before any hello (the server opens the shell at that size)", async () => {
    const { connection } = connect();
    connection.resize(120, 40);
    await until(() => accepted[0]?.controls.some((control) => control.type === "resize") ?? false);
    expect(accepted[0]!.controls[0]).toEqual({ type: "resize", cols: 120, rows: 40 });
    connection.dispose();
  });
});
