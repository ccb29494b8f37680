// Port forwarding against the real engine, into containers without any network (label
// circus.test=<id>, removed afterwards).
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Duplex } from "node:stream";
import Dockerode from "dockerode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { containerPortAgent } from "../../test/container-port-agent";
import { ContainerNotRunningError, PortClosedError } from "../errors";
import { forwardPort } from "./forward-port";
import type { PortForwardStream } from "./port-forward-stream";

const docker = new Dockerode();
const testId = `ports-${randomUUID()}`;

let container: Dockerode.Container;
const agents: http.Agent[] = [];

beforeEach(async () => {
  container = await docker.createContainer({
    Image: "circus/base:latest",
    Cmd: ["sleep", "infinity"],
    Labels: { "circus.test": testId },
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], Init: true },
  });
  await container.start();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await container.remove({ force: true });
});

/** Starts a background process in the container (its output is discarded). */
async function startInContainer(command: string[]): Promise<void> {
  const exec = await container.exec({ Cmd: command });
  await exec.start({ Detach: true });
}

async function runInContainer(script: string): Promise<void> {
  const exec = await container.exec({ Cmd: ["sh", "-c", script], AttachStdout: true, Tty: true });
  for await (const _chunk of await exec.start({ Tty: true })) {
    // wait for the end
  }
}

/** Retries until something accepts connections on the port (servers take a moment to start). */
async function connectWhenListening(port: number): Promise<PortForwardStream> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await forwardPort(docker, container.id, port);
    } catch (error) {
      if (!(error instanceof PortClosedError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function readAll(stream: Duplex): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

function get(agent: http.Agent, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "sandbox", path, agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function execRunning(execId: string): Promise<boolean> {
  return (await docker.getExec(execId).inspect()).Running;
}

describe("forwardPort", () => {
  it("serves a page from a network-less container through an http.Agent", async () => {
    await runInContainer("mkdir -p /srv/site && echo hello-from-the-sandbox > /srv/site/hello.txt");
    await startInContainer(["python3", "-m", "http.server", "8000", "--bind", "127.0.0.1", "--directory", "/srv/site"]);
    (await connectWhenListening(8000)).destroy();
    const agent = containerPortAgent(docker, container.id, 8000);
    agents.push(agent);
    expect(await get(agent, "/hello.txt")).toEqual({ status: 200, body: "hello-from-the-sandbox\n" });
    expect((await get(agent, "/missing")).status).toBe(404);
  });

  it("fails clearly when nothing listens on the port", async () => {
    const error = await forwardPort(docker, container.id, 8999).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortClosedError);
    expect(error).toMatchObject({ code: "port_closed", port: 8999 });
    expect((error as Error).message).toMatch(/127\.0\.0\.1:8999.*refused/i);

    const agent = containerPortAgent(docker, container.id, 8999);
    agents.push(agent);
    await expect(get(agent, "/")).rejects.toBeInstanceOf(PortClosedError);
  });

  it("fails clearly when the container is not running", async () => {
    await container.stop({ t: 0 });
    await expect(forwardPort(docker, container.id, 8000)).rejects.toBeInstanceOf(ContainerNotRunningError);
  });

  it("carries a half-close: the server sees end of input and still answers", async () => {
    // Reads everything until end of input, then answers with it upper-cased and closes.
    const server = [
      "import socket",
      "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
      "s.bind(('127.0.0.1', 7000)); s.listen()",
      "while True:",
      "    c, _ = s.accept(); data = b''",
      "    while (chunk := c.recv(4096)): data += chunk",
      "    c.sendall(data.upper()); c.close()",
    ].join("\n");
    await startInContainer(["python3", "-c", server]);
    (await connectWhenListening(7000)).destroy();
    const stream = await forwardPort(docker, container.id, 7000);
    const reply = readAll(stream);
    stream.write("half ");
    stream.end("closed");
    expect(await reply).toBe("HALF CLOSED");
  });

  it("moves a large payload both ways intact", async () => {
    const echo =
      "import socket\ns = socket.socket(); s.bind(('127.0.0.1', 7001)); s.listen()\nwhile True:\n    c, _ = s.accept()\n    while (chunk := c.recv(65536)): c.sendall(chunk)\n    c.close()";
    await startInContainer(["python3", "-c", echo]);
    (await connectWhenListening(7001)).destroy();
    const stream = await forwardPort(docker, container.id, 7001);
    const payload = Buffer.alloc(3 * 1024 * 1024);
    for (let index = 0; index < payload.length; index += 1) payload[index] = (index * 7) % 251;
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => stream.on("end", resolve));
    stream.end(payload);
    await ended;
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it("stops the relay when the local side closes while the server keeps the connection open", async () => {
    // Accepts and holds connections without ever closing them.
    const holder =
      "import socket, time\ns = socket.socket(); s.bind(('127.0.0.1', 7002)); s.listen()\nheld = []\nwhile True:\n    held.append(s.accept()[0])";
    await startInContainer(["python3", "-c", holder]);
    const stream = await connectWhenListening(7002);
    expect(await execRunning(stream.execId)).toBe(true);
    stream.destroy();
    await expect.poll(() => execRunning(stream.execId), { timeout: 10_000 }).toBe(false);
    await stream.relayStopped;
  });

  it("stops the relay on abort", async () => {
    const holder =
      "import socket\ns = socket.socket(); s.bind(('127.0.0.1', 7003)); s.listen()\nheld = []\nwhile True:\n    held.append(s.accept()[0])";
    await startInContainer(["python3", "-c", holder]);
    (await connectWhenListening(7003)).destroy();
    const controller = new AbortController();
    const stream = await forwardPort(docker, container.id, 7003, { signal: controller.signal });
    const closed = new Promise<unknown>((resolve) => stream.on("error", resolve));
    controller.abort();
    expect(await closed).toMatchObject({ name: "AbortError" });
    await expect.poll(() => execRunning(stream.execId), { timeout: 10_000 }).toBe(false);
    await stream.relayStopped;

    const early = new AbortController();
    early.abort();
    await expect(forwardPort(docker, container.id, 7003, { signal: early.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});
