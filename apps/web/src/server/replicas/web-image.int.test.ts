// The circus/web image (docker/web, built by scripts/web-image.ts) against the real engine: it builds
// (or is up to date by its content hash), runs the production build as the unprivileged user circus on a
// SQLite database, answers /readyz, and serves the catalog page. Skipped only when this machine cannot
// build it for a named reason (its Node is too old, the tree is not a git checkout).
import { stat } from "node:fs/promises";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildWebImage, WEB_IMAGE, WebImageError } from "../../../../../scripts/web-image";

const TEST_LABEL = "circus.test";
const SOCKET = "/var/run/docker.sock";
const docker = new Dockerode({ socketPath: SOCKET });
const testId = `web-image-${Date.now().toString(36)}`;
let skipReason: string | undefined;
let container: Dockerode.Container | undefined;
let origin = "";

beforeAll(async () => {
  try {
    await buildWebImage(docker, { log: (line) => console.info(line) });
  } catch (error) {
    if (error instanceof WebImageError && error.unbuildableHere) {
      skipReason = error.message;
      return;
    }
    throw error;
  }
  // The server drives the engine through its socket, as the stack's replicas do: the socket's group is added.
  const socketGroup = String((await stat(SOCKET)).gid);
  container = await docker.createContainer({
    Image: WEB_IMAGE,
    Labels: { [TEST_LABEL]: testId },
    Env: [
      "DATABASE_URL=file:/tmp/circus.db",
      `CIRCUS_SECRET=${"s".repeat(43)}`,
      "CIRCUS_WARM_POOL_SIZE=0",
      `CIRCUS_SANDBOX_SCOPE=${testId}`,
      "LOG_LEVEL=warn",
    ],
    HostConfig: {
      Binds: [`${SOCKET}:${SOCKET}`],
      GroupAdd: [socketGroup],
      // The socket's group is a host group: on a user-namespace-remapped engine the web container (never a
      // learner's sandbox) keeps the host's ids, or the group would map to another one.
      UsernsMode: "host",
      Memory: 1024 * 1024 * 1024,
    },
  });
  await container.start();
  const info = await container.inspect();
  const address = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress;
  if (!address) throw new Error("the web container has no address on the default bridge");
  origin = `http://${address}:3000`;
}, 900_000);

afterAll(async () => {
  await container?.remove({ force: true });
});

describe("the circus/web image", () => {
  it("runs the production server as a non-root user that answers /readyz and serves the catalog", async (context) => {
    if (skipReason) {
      console.warn(`skipped: circus/web cannot be built here: ${skipReason}`);
      context.skip();
    }
    if (!container) throw new Error("the container was not started");
    const ready = await vi.waitFor(
      async () => {
        const response = await fetch(`${origin}/readyz`);
        const body = await response.text();
        expect(response.status, body).toBe(200);
        return body;
      },
      { timeout: 90_000, interval: 500 },
    );
    expect(ready).toMatch(/^ok\n/);

    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<html");
    expect(html).toContain("Circus");

    const exec = await container.exec({ Cmd: ["id", "-un"], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ Detach: false });
    let output = "";
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    await new Promise((resolve) => stream.once("end", resolve));
    expect(output).toContain("circus");
    const { Config } = await container.inspect();
    expect(Config.User).toBe("circus");
  });
});
