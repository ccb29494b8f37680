// Every socket to a node's engine sends small writes at once (TCP_NODELAY): a keystroke on a worker's exec
// stream must not wait for the previous segment's ACK. Against a real mutual-TLS server on loopback that
// answers like an engine (a ping, and an exec start that upgrades to a raw stream).
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientTls, createServerTls } from "../../test/swarm-certificates";
import { connectNodeEngine, type EngineTls } from "./node-engines";

/** Whether Nagle's algorithm is off on `socket`: net.Socket keeps what setNoDelay last applied to its handle. */
function noDelayOf(socket: object): boolean {
  const symbol = Object.getOwnPropertySymbols(socket).find((candidate) => candidate.description === "kSetNoDelay");
  if (!symbol) throw new Error("this Node version keeps no kSetNoDelay on its sockets: update this test's probe");
  return (socket as Record<symbol, unknown>)[symbol] === true;
}

describe("sockets to a node's engine", () => {
  let dir: string;
  let server: Server;
  let endpoint: string;
  let tls: EngineTls;
  const upgraded: Socket[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "circus-no-delay-"));
    tls = await createClientTls(join(dir, "ca"));
    await createServerTls(join(dir, "ca"), "engine", "127.0.0.1", join(dir, "engine"));
    const [ca, cert, key] = await Promise.all(
      ["ca.pem", "server-cert.pem", "server-key.pem"].map((file) => readFile(join(dir, "engine", file))),
    );
    server = createServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true }, (_request, response) => {
      response.writeHead(200, { "Content-Type": "text/plain" }).end("OK");
    });
    // An exec start with hijack: the engine answers 101 and the connection becomes the exec's raw stream.
    server.on("upgrade", (_request, socket: Socket) => {
      upgraded.push(socket);
      socket.write(
        "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n",
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    endpoint = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of upgraded) socket.destroy();
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("turns Nagle's algorithm off on the keep-alive API connections", async () => {
    const docker = connectNodeEngine("worker-1", endpoint, tls);
    const agent = (docker.modem as unknown as { agent: import("node:https").Agent }).agent;
    const freed = once(agent, "free") as Promise<[Socket]>;
    await expect(docker.ping()).resolves.toBeTruthy();
    const [socket] = await freed;
    expect(noDelayOf(socket)).toBe(true);
    agent.destroy();
  });

  it("turns it off on an exec stream (the terminal's keystrokes and echoes)", async () => {
    const docker = connectNodeEngine("worker-1", endpoint, tls);
    const stream = (await docker.getExec("exec-id").start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    try {
      expect(noDelayOf(stream)).toBe(true);
    } finally {
      stream.destroy();
      (docker.modem as unknown as { agent: import("node:https").Agent }).agent.destroy();
    }
  });
});
