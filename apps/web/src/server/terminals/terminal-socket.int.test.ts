// The terminal WebSocket against the real server (in-process, no Next), the real engine and a real `ws`
// client: typing, resizing, replay on reconnect, authorization before the upgrade, malformed frames,
// observers, flow control, and the close when the run is stopped.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLOSE_CODES } from "../../contract/terminal-protocol";
import type { LearnerClient } from "../test/web-test-server";
import { INPUT_HIGH_WATERMARK_BYTES } from "./terminal-connection";
import { createTerminalGateway } from "./terminal-gateway";
import {
  cookieHeaderOf,
  LAB_HOST,
  type LabFixture,
  startLabFixture,
  type TerminalSocketOptions,
  TerminalTestClient,
} from "./terminal-test-client";

let lab: LabFixture;
let owner: LearnerClient;
let runId: string;
let environmentId: string;
const clients: TerminalTestClient[] = [];

beforeAll(async () => {
  lab = await startLabFixture();
  owner = await lab.learner();
  runId = await lab.startReadyRun(owner);
  environmentId = await lab.environmentOf(runId);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

afterAll(async () => {
  await lab?.dispose();
});

function connect(options: Partial<TerminalSocketOptions> & { terminal: string }, as: LearnerClient = owner) {
  const client = new TerminalTestClient(lab.server.origin, { run: runId, cookie: cookieHeaderOf(as), ...options });
  clients.push(client);
  return client;
}

async function connected(options: Partial<TerminalSocketOptions> & { terminal: string }) {
  const client = connect(options);
  expect(await client.opened).toBe("open");
  await client.waitForHello();
  return client;
}

describe("the terminal socket", () => {
  it("says hello first, then carries keystrokes in and output out", async () => {
    const client = connect({ terminal: "1", host: LAB_HOST });
    expect(await client.opened).toBe("open");
    client.sendControl({ type: "resize", cols: 100, rows: 30 });
    await client.waitForHello();
    expect(client.controls[0]).toEqual({ type: "hello", terminal: "1", offset: 0, readOnly: false });
    client.type("echo hi-$((6*7))\r");
    await client.waitForText(/hi-42\r\n/);
    client.sendControl({ type: "ping" });
    await client.waitFor(() => client.controls.some((control) => control.type === "pong"), "pong");
  });

  it("runs a declared terminal's command", async () => {
    const client = await connected({ terminal: "greeter" });
    await client.waitForText("greeted-42");
  });

  it("resizes the shell's terminal", async () => {
    const client = await connected({ terminal: "2" });
    client.sendControl({ type: "resize", cols: 132, rows: 43 });
    client.type("stty size\r");
    await client.waitForText(/\r43 132\r\n/);
    const session = await lab.server.app.terminals.findSession(environmentId, "2");
    expect(session?.stats()).toMatchObject({ cols: 132, rows: 43 });
  });

  it("replays exactly the missed output to a client that reconnects with `since`", async () => {
    const first = await connected({ terminal: "3" });
    first.type("echo before-$((1+1))\r");
    await first.waitForText(/before-2\r\n/);
    const hello = first.hello();
    const seen = (hello?.offset ?? 0) + first.receivedBytes;
    first.close();
    await first.closed;

    const witness = await connected({ terminal: "3" });
    witness.type("echo during-$((2+2))\r");
    await witness.waitForText(/during-4\r\n/);

    const again = await connected({ terminal: "3", since: seen });
    expect(again.hello()?.offset).toBe(seen);
    await again.waitForText(/during-4\r\n/);
    witness.type("echo after-$((3+3))\r");
    await again.waitForText(/after-6\r\n/);
    await witness.waitForText(/after-6\r\n/);
    expect(again.text()).not.toContain("before-2");
    const witnessStart = witness.hello()?.offset ?? 0;
    const expected = witness.bytes().subarray(seen - witnessStart, seen - witnessStart + again.receivedBytes);
    expect(again.bytes().equals(expected)).toBe(true);
  });

  it("refuses the upgrade for another learner, no learner, an unknown run or an unknown terminal (404)", async () => {
    const stranger = await lab.learner();
    expect(await connect({ terminal: "1" }, stranger).opened).toBe(404);
    expect(await connect({ terminal: "1", cookie: "" }).opened).toBe(404);
    expect(await connect({ terminal: "1", run: "no-such-run" }).opened).toBe(404);
    expect(await connect({ terminal: "42" }).opened).toBe(404);
    expect(await connect({ terminal: "1", host: "node9" }).opened).toBe(404);
    expect(await connect({ terminal: "1", since: -5 }).opened).toBe(400);
    expect(lab.server.app.terminals.connectionCount).toBe(0);
  });

  it("refuses a foreign, `null` or missing Origin (403)", async () => {
    expect(await connect({ terminal: "1", origin: "http://evil.example" }).opened).toBe(403);
    expect(await connect({ terminal: "1", origin: "null" }).opened).toBe(403);
    expect(await connect({ terminal: "1", origin: null }).opened).toBe(403);
  });

  it("closes with 4400 on malformed frames and keeps serving other sockets", async () => {
    const malformed: [string, (client: TerminalTestClient) => void][] = [
      ["bad JSON", (client) => client.socket.send("{not json")],
      ["an unknown type", (client) => client.sendControl({ type: "paste", data: "rm -rf /" })],
      ["an out-of-range size", (client) => client.sendControl({ type: "resize", cols: 0, rows: 24 })],
      ["an oversized control frame", (client) => client.sendControl({ type: "ping", pad: "x".repeat(2000) })],
    ];
    for (const [what, send] of malformed) {
      const client = await connected({ terminal: "4" });
      send(client);
      const closed = await client.closed;
      expect(closed.code, what).toBe(CLOSE_CODES.malformed);
      expect(closed.reason, what).not.toBe("");
    }
    const huge = await connected({ terminal: "4" });
    huge.socket.send(Buffer.alloc(64 * 1024 + 1, 0x61), { binary: true });
    expect((await huge.closed).code).toBe(1009);

    const healthy = await connected({ terminal: "4" });
    healthy.type("echo still-$((10*10))\r");
    await healthy.waitForText(/still-100\r\n/);
  });

  it("drops an observer's keystrokes but shows it the output", async () => {
    const writer = await connected({ terminal: "5" });
    const observer = await connected({ terminal: "5", observe: true });
    expect(observer.hello()?.readOnly).toBe(true);
    observer.type("echo observer-$((3*3))\r");
    await observer.waitFor(
      () => observer.controls.some((control) => control.type === "error" && control.code === "read_only"),
      "the read-only notice",
    );
    writer.type("echo writer-$((5*5))\r");
    await observer.waitForText(/writer-25\r\n/);
    await writer.waitForText(/writer-25\r\n/);
    expect(writer.text()).not.toContain("observer");
  });

  it("keeps the server's buffered output bounded for a client that does not ack, and recovers after ^C", async () => {
    const client = await connected({ terminal: "6", autoAck: false });
    client.type("yes flood\r");
    await client.waitFor(() => client.receivedBytes > 100_000, "100 kB of output");
    const session = await lab.server.app.terminals.findSession(environmentId, "6");
    if (!session) throw new Error("no session for terminal 6");
    for (let sample = 0; sample < 20; sample += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = session.stats();
      expect(stats.paused).toBe(true);
      expect(stats.maxUnackedBytes).toBeLessThan(100_000 + 2 * 64 * 1024);
      expect(stats.bufferedBytes).toBeLessThan(1024 * 1024);
    }
    expect(client.receivedBytes).toBeLessThan(100_000 + 2 * 64 * 1024);

    client.type("\x03");
    client.autoAck = true;
    client.ackAll();
    client.type("echo recovered-$((7*6))\r");
    await client.waitForText(/recovered-42\r\n/, 60_000);
    // The acks for the last frames may still be on their way: the session resumes once they land.
    for (let attempt = 0; attempt < 100 && session.stats().paused; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(session.stats().paused).toBe(false);
  });

  it("counts open sockets in the metrics", async () => {
    const gauge = lab.server.app.context.metrics.websocketConnections;
    const value = async () => (await gauge.get()).values[0]?.value ?? 0;
    // Sockets of earlier tests may still be closing.
    for (let attempt = 0; attempt < 100 && lab.server.app.terminals.connectionCount > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const baseline = await value();
    const client = await connected({ terminal: "7" });
    expect(await value()).toBe(baseline + 1);
    client.close();
    await client.closed;
    for (let attempt = 0; attempt < 50 && (await value()) !== baseline; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await value()).toBe(baseline);
  });

  it("terminates a client that stops answering pings, and keeps one that answers", async () => {
    // A second gateway on the same server context, with a fast heartbeat, behind its own listener.
    const gateway = createTerminalGateway(lab.server.app.context, { heartbeatMs: 100 });
    const listener = createServer((_req, res) => res.writeHead(404).end());
    listener.on("upgrade", (req, socket, head) => gateway.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    try {
      const address = listener.address() as AddressInfo;
      const url = `ws://127.0.0.1:${address.port}/ws/terminal?run=${runId}&terminal=9`;
      const headers = { cookie: cookieHeaderOf(owner), origin: lab.server.origin };
      const silent = new WebSocket(url, { headers, autoPong: false });
      const answering = new WebSocket(url, { headers });
      for (const socket of [silent, answering]) socket.on("error", () => undefined);
      const silentClosed = new Promise<number>((resolve) => silent.once("close", (code) => resolve(code)));
      expect(await silentClosed).toBe(1006);
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    } finally {
      gateway.dispose();
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("answers the pings of a client that does not read only up to a bound, then closes it with 4409", async () => {
    // A second gateway on the same server context whose heartbeat cannot end the clients first.
    const gateway = createTerminalGateway(lab.server.app.context, { heartbeatMs: 600_000 });
    const listener = createServer((_req, res) => res.writeHead(404).end());
    listener.on("upgrade", (req, socket, head) => gateway.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const open = async () => {
      const client = new TerminalTestClient(origin, {
        run: runId,
        terminal: "7",
        cookie: cookieHeaderOf(owner),
        origin: lab.server.origin,
      });
      clients.push(client);
      expect(await client.opened).toBe("open");
      await client.waitForHello();
      return client;
    };
    try {
      // One client pings with JSON frames, one with WebSocket ping frames; neither reads what comes back.
      const json = await open();
      const frames = await open();
      const reader = await open();
      let framePongs = 0;
      frames.socket.on("pong", () => {
        framePongs += 1;
      });
      json.socket.pause();
      frames.socket.pause();
      // Far more replies than the bound and loopback's socket buffers (a few MiB) hold together.
      const jsonPings = 500_000;
      for (let sent = 0; sent < jsonPings; sent += 1) json.sendControl({ type: "ping" });
      const framePings = 100_000;
      const payload = Buffer.alloc(125, 0x70);
      for (let sent = 0; sent < framePings; sent += 1) frames.socket.ping(payload);
      // A client that reads gets every answer meanwhile.
      for (let sent = 0; sent < 100; sent += 1) reader.sendControl({ type: "ping" });
      await reader.waitFor(() => reader.controls.filter((control) => control.type === "pong").length === 100, "pongs");
      // Once the server read all they sent (their send buffers are empty), the two clients read.
      for (const client of [json, frames]) {
        for (let polls = 0; client.socket.bufferedAmount > 0 && polls < 1200; polls += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(client.socket.bufferedAmount).toBe(0);
        client.socket.resume();
      }
      expect(await json.closed).toEqual({
        code: CLOSE_CODES.notReading,
        reason: "not reading: too many unread replies",
      });
      expect(await frames.closed).toMatchObject({ code: CLOSE_CODES.notReading });
      const jsonPongs = json.controls.filter((control) => control.type === "pong").length;
      expect(jsonPongs).toBeGreaterThan(0);
      expect(jsonPongs).toBeLessThan(jsonPings);
      expect(framePongs).toBeGreaterThan(0);
      expect(framePongs).toBeLessThan(framePings);
      expect(reader.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      gateway.dispose();
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("stops reading a socket whose shell does not read its input, so the server holds at most the bound", async () => {
    const client = await connected({ terminal: "4" });
    client.type("stty raw -echo; echo raw-$((2*4)); sleep 999\r");
    await client.waitForText(/raw-8/);
    const session = await lab.server.app.terminals.findSession(environmentId, "4");
    if (!session) throw new Error("no session for terminal 4");
    const frame = Buffer.alloc(64 * 1024, 0x61);
    const sentBytes = 32 * 1024 * 1024;
    for (let offset = 0; offset < sentBytes; offset += frame.length) client.socket.send(frame, { binary: true });
    // Through the engine the bytes stop where the PTY is full; on terminal pipes they trickle on at the input
    // pace (1 MiB/s, which `script` keeps in the sandbox's memory). Either way, after a few seconds:
    for (let polls = 0; polls < 30; polls += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(session.stats().pendingInputBytes).toBeLessThanOrEqual(INPUT_HIGH_WATERMARK_BYTES + frame.length);
    // What the server would not read stays with the client (loopback's socket buffers hold a few MiB).
    expect(client.socket.bufferedAmount).toBeGreaterThan(sentBytes / 4);
  });

  it("tells the learner why the shell ended when the host was stopped past its disk quota", async () => {
    const learner = await lab.learner();
    const otherRun = await lab.startReadyRun(learner);
    const client = new TerminalTestClient(lab.server.origin, {
      run: otherRun,
      cookie: cookieHeaderOf(learner),
      terminal: "shell",
    });
    clients.push(client);
    expect(await client.opened).toBe("open");
    await client.waitForHello();
    client.type(
      "for i in $(seq 1 200); do dd if=/dev/zero of=/var/fill-$i bs=1M count=1 status=none; done; sleep 60\r",
    );
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.terminalEnded);
    const error = client.controls.find((control) => control.type === "error");
    expect(error).toMatchObject({ code: "container_died" });
    expect(error && "message" in error ? error.message : "").toMatch(
      /stopped: it wrote more than its disk quota of 64 MiB/,
    );
    // The learner's own run keeps working: the first run's shell still answers.
    const mine = await connected({ terminal: "9" });
    mine.type("echo still-$((40+2))\r");
    await mine.waitForText("still-42");
  });

  it("closes the run's sockets with 4410 when the run is stopped", async () => {
    const client = await connected({ terminal: "8" });
    const stopped = await owner.request("POST", `/api/runs/${runId}/stop`);
    expect(stopped.status).toBe(200);
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.runEnded);
    expect(await connect({ terminal: "8" }).opened).toBe(404);
  });
});
