import { describe, expect, it } from "vitest";
import { hasNoNewPrivileges } from "./check-swarm-nodes";
import { connectNodeEngine, parseEngineEndpoint } from "./node-engines";
import { NodeEngineUnreachableError } from "./swarm-errors";

const tls = { ca: "ca", cert: "cert", key: "key" };

describe("node engine endpoints", () => {
  it("reads tcp://ADDRESS:PORT from the circus.engine label", () => {
    expect(parseEngineEndpoint("tcp://10.0.0.11:2376")).toEqual({ host: "10.0.0.11", port: 2376 });
    expect(parseEngineEndpoint("tcp://node-2.internal:2376")).toEqual({ host: "node-2.internal", port: 2376 });
  });

  it("refuses anything else, with the command that labels the node", () => {
    for (const endpoint of [undefined, "", "unix:///var/run/docker.sock", "http://10.0.0.11:2375", "tcp://10.0.0.11"]) {
      expect(parseEngineEndpoint(endpoint)).toBeUndefined();
      expect(() => connectNodeEngine("worker-1", endpoint, tls)).toThrow(NodeEngineUnreachableError);
    }
    expect(() => connectNodeEngine("worker-1", undefined, tls)).toThrow(
      /docker node update --label-add circus\.engine=/,
    );
  });

  it("always connects with TLS and the client certificate", () => {
    const docker = connectNodeEngine("worker-1", "tcp://10.0.0.11:2376", tls);
    expect(docker.modem).toMatchObject({
      protocol: "https",
      host: "10.0.0.11",
      port: 2376,
      ca: "ca",
      cert: "cert",
      key: "key",
    });
  });
});

describe("hasNoNewPrivileges", () => {
  it("reads NoNewPrivs from /proc/PID/status", () => {
    expect(hasNoNewPrivileges("Name:\tcat\nNoNewPrivs:\t1\nSeccomp:\t2\n")).toBe(true);
    expect(hasNoNewPrivileges("Name:\tcat\nNoNewPrivs:\t0\nSeccomp:\t2\n")).toBe(false);
    expect(hasNoNewPrivileges("Name:\tcat\n")).toBe(false);
  });
});
