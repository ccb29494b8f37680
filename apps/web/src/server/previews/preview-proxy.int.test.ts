// Port previews against the real server, the real engine and servers started inside a network-less
// sandbox: a page served through /preview/, the sandboxing headers, no Circus cookie forwarded, a clear
// 502 for a closed port, streamed request bodies, and 404 for other learners.
import { createHash } from "node:crypto";
import { connectEngine, type EnvironmentHandle, type SandboxRuntime } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { cookieHeaderOf, LAB_HOST, type LabFixture, startLabFixture } from "../terminals/terminal-test-client";
import type { LearnerClient } from "../test/web-test-server";

// Answers GET with the request's headers, and POST with the body's length and SHA-256.
const ECHO_SERVER = `
import hashlib, http.server
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = str(self.headers).encode()
        self.send_response(200); self.send_header("Content-Type", "text/plain")
        self.send_header("Set-Cookie", "circus_learner=stolen; Path=/")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        length = int(self.headers["Content-Length"]); digest = hashlib.sha256(); left = length
        while left > 0:
            chunk = self.rfile.read(min(65536, left)); digest.update(chunk); left -= len(chunk)
        body = f"{length} {digest.hexdigest()}".encode()
        self.send_response(201); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", 8001), Echo).serve_forever()
`;

// Redirects to `?to=...` and asks the browser to wipe the site's data: neither may reach past the preview.
const REDIRECT_SERVER = `
import http.server, urllib.parse
class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        to = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)["to"][0]
        self.send_response(302); self.send_header("Location", to)
        self.send_header("Clear-Site-Data", '"cookies", "storage", "cache"')
        self.send_header("Content-Length", "0"); self.end_headers()
http.server.ThreadingHTTPServer(("127.0.0.1", 8002), Redirect).serve_forever()
`;

let lab: LabFixture;
let owner: LearnerClient;
let runId: string;
let runtime: SandboxRuntime;
let environment: EnvironmentHandle;

beforeAll(async () => {
  lab = await startLabFixture();
  owner = await lab.learner();
  runId = await lab.startReadyRun(owner);
  runtime = lab.server.app.context.runtime;
  environment = runtime.environment(await lab.environmentOf(runId));
});

afterAll(async () => {
  await lab?.dispose();
});

/** Starts a background process in the sandbox (its output is discarded). */
async function startInSandbox(command: string[]): Promise<void> {
  const started = await environment.commands.run(LAB_HOST, {
    argv: ["bash", "-c", 'nohup "$@" >/dev/null 2>&1 &', "start", ...command],
  });
  expect(started.exitCode).toBe(0);
}

function preview(path: string, init: RequestInit = {}, as: LearnerClient = owner): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("cookie", cookieHeaderOf(as));
  return fetch(`${lab.server.origin}/preview/${runId}/${LAB_HOST}/${path}`, { ...init, headers, redirect: "manual" });
}

/** Retries while the server in the sandbox is still starting (the preview answers 502 until it listens). */
async function previewWhenListening(path: string, init: RequestInit = {}): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await preview(path, init);
    if (response.status !== 502 || Date.now() > deadline) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("port previews", () => {
  it("answers a clear 502 page when nothing listens on the port", async () => {
    const response = await preview("8999/");
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toBe("sandbox allow-scripts allow-forms allow-popups");
    const page = await response.text();
    expect(page).toContain("port 8999");
    expect(page).toMatch(/start your server/i);
  });

  it("serves python3 -m http.server from the network-less sandbox, sandboxed into an opaque origin", async () => {
    const made = await environment.commands.run(LAB_HOST, {
      script: "mkdir -p /srv/site && echo hello-from-the-sandbox > /srv/site/hello.txt",
    });
    expect(made.exitCode).toBe(0);
    const docker = await connectEngine();
    const inspected = await docker.getContainer(runtime.containerOf(environment.id, LAB_HOST)).inspect();
    expect(inspected.HostConfig.NetworkMode).toBe("none");
    await startInSandbox(["python3", "-m", "http.server", "8000", "--bind", "127.0.0.1", "--directory", "/srv/site"]);
    const response = await previewWhenListening("8000/hello.txt");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello-from-the-sandbox\n");
    expect(response.headers.get("content-security-policy")).toBe("sandbox allow-scripts allow-forms allow-popups");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");

    const head = await preview("8000/hello.txt", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("23");
    const listing = await preview("8000");
    expect(listing.status).toBe(308);
    expect(listing.headers.get("location")).toBe(`/preview/${runId}/${LAB_HOST}/8000/`);
  });

  it("does not forward the learner's cookie or credentials, nor let the sandbox set Circus cookies", async () => {
    await startInSandbox(["python3", "-c", ECHO_SERVER]);
    const response = await previewWhenListening("8001/echo", {
      headers: { authorization: "Bearer circus-token", "x-circus-csrf": "token", "x-kept": "yes" },
    });
    expect(response.status).toBe(200);
    const seen = (await response.text()).toLowerCase();
    expect(seen).toContain("host: localhost:8001");
    expect(seen).toContain("x-kept: yes");
    expect(seen).not.toContain("cookie");
    expect(seen).not.toContain("circus_learner");
    expect(seen).not.toContain("authorization");
    expect(seen).not.toContain("x-circus-csrf");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("drops Clear-Site-Data and keeps every redirect inside the preview's own path", async () => {
    await startInSandbox(["python3", "-c", REDIRECT_SERVER]);
    const prefix = `/preview/${runId}/${LAB_HOST}/8002`;
    const redirect = async (to: string) => {
      const response = await previewWhenListening(`8002/app/page?to=${encodeURIComponent(to)}`);
      expect(response.status).toBe(302);
      expect(response.headers.get("clear-site-data")).toBeNull();
      return response.headers.get("location");
    };
    expect(await redirect("/login")).toBe(`${prefix}/login`);
    expect(await redirect("next")).toBe(`${prefix}/app/next`);
    expect(await redirect("http://localhost:8002/x")).toBe(`${prefix}/x`);
    for (const outside of [
      "../../../../api/me/workshop",
      "/../../../other/node1/80/",
      "//evil.example/",
      "https://example.org/",
    ]) {
      expect(await redirect(outside)).toBe(`${prefix}/`);
    }
  });

  it("streams a large request body into the sandbox without Circus's CSRF check", async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, "circus");
    const response = await previewWhenListening("8001/upload", { method: "POST", body });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe(`${body.length} ${createHash("sha256").update(body).digest("hex")}`);
  });

  it("refuses other learners and unknown hosts with 404 and other methods with 405", async () => {
    const stranger = await lab.learner();
    expect((await preview("8000/hello.txt", {}, stranger)).status).toBe(404);
    const anonymous = await fetch(`${lab.server.origin}/preview/${runId}/${LAB_HOST}/8000/hello.txt`);
    expect(anonymous.status).toBe(404);
    const unknownHost = await fetch(`${lab.server.origin}/preview/${runId}/node9/8000/`, {
      headers: { cookie: cookieHeaderOf(owner) },
    });
    expect(unknownHost.status).toBe(404);
    expect((await preview("8000/hello.txt", { method: "OPTIONS" })).status).toBe(405);
  });

  it("refuses WebSocket upgrades to previews, saying they are not supported yet", async () => {
    const socket = new WebSocket(`${lab.server.origin.replace(/^http/, "ws")}/preview/${runId}/${LAB_HOST}/8000/`, {
      headers: { cookie: cookieHeaderOf(owner), origin: lab.server.origin },
    });
    socket.on("error", () => undefined);
    const refusal = await new Promise<{ status: number; body: string }>((resolve) => {
      socket.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString("utf8");
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    expect(refusal.status).toBe(501);
    expect(refusal.body).toMatch(/WebSocket connections to previews are not supported yet/);
  });
});
