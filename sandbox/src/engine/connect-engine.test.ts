import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineUnreachableError } from "../errors";
import { connectEngine, resolveEngineEndpoint } from "./connect-engine";

describe("resolveEngineEndpoint", () => {
  it("reads unix sockets and tcp endpoints", () => {
    expect(resolveEngineEndpoint("unix:///var/run/docker.sock")).toMatchObject({
      isDefaultSocket: true,
      dockerodeOptions: { socketPath: "/var/run/docker.sock" },
    });
    expect(resolveEngineEndpoint("unix:///srv/other.sock")).toMatchObject({
      isDefaultSocket: false,
      dockerodeOptions: { socketPath: "/srv/other.sock" },
    });
    expect(resolveEngineEndpoint("tcp://127.0.0.1:2376")).toMatchObject({
      description: "127.0.0.1:2376",
      dockerodeOptions: { host: "127.0.0.1", port: 2376, protocol: "http" },
    });
  });

  it("refuses schemes it cannot speak", () => {
    expect(() => resolveEngineEndpoint("ssh://user@host")).toThrow(EngineUnreachableError);
  });
});

describe("connectEngine", () => {
  it("fails with EngineUnreachableError and its remedy when nothing is at the socket", async () => {
    const socket = join(tmpdir(), `circus-no-engine-${process.pid}-${Date.now()}.sock`);
    const failure = await connectEngine({ dockerHost: `unix://${socket}` }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineUnreachableError);
    const error = failure as EngineUnreachableError;
    expect(error.code).toBe("engine_unreachable");
    expect(error.message).toContain(`no socket at ${socket}`);
    expect(error.remedy).toMatch(/start Docker/);
    expect(error.message).toContain(error.remedy);
  });
});
