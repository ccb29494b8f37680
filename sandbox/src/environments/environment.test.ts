import { describe, expect, it } from "vitest";
import { InvalidSpecError } from "../errors";
import { needsNetwork, parseEnvironmentSpec } from "./environment";

const base = { hosts: [{ name: "node1", image: "circus/base:latest" }], ttlSeconds: 60, idleTimeoutSeconds: 30 };

describe("parseEnvironmentSpec", () => {
  it("fills the host defaults", () => {
    expect(parseEnvironmentSpec(base).hosts[0]).toEqual({
      name: "node1",
      image: "circus/base:latest",
      cpus: 1,
      memoryMiB: 512,
      pids: 512,
      diskMiB: 2048,
      capabilities: [],
      env: {},
      docker: false,
    });
  });

  it("refuses capabilities on a Docker-enabled host", () => {
    const spec = { ...base, hosts: [{ name: "a", image: "circus/docker", docker: true, capabilities: ["NET_ADMIN"] }] };
    expect(() => parseEnvironmentSpec(spec)).toThrow(/a Docker-enabled host cannot add capabilities/);
  });

  it.each([
    ["hosts", { ...base, hosts: [] }],
    ["hosts.0.name", { ...base, hosts: [{ name: "Node_1", image: "x" }] }],
    ["hosts.0.capabilities.0", { ...base, hosts: [{ name: "a", image: "x", capabilities: ["SYS_ADMIN"] }] }],
    ["hosts.0.diskMiB", { ...base, hosts: [{ name: "a", image: "x", diskMiB: 8 }] }],
    ["hosts.0.env.DOCKER_HOST", { ...base, hosts: [{ name: "a", image: "x", env: { DOCKER_HOST: "tcp://x" } }] }],
    ["hosts", { ...base, hosts: [base.hosts[0], base.hosts[0]] }],
    ["labels.circus.environment", { ...base, labels: { "circus.environment": "forged" } }],
    ["ttlSeconds", { ...base, ttlSeconds: 0 }],
  ])("names the bad field %s", (field, spec) => {
    expect(() => parseEnvironmentSpec(spec)).toThrow(InvalidSpecError);
    expect(() => parseEnvironmentSpec(spec)).toThrow(field);
  });

  it("allows extra labels such as a test id", () => {
    expect(parseEnvironmentSpec({ ...base, labels: { "circus.test": "abc" } }).labels).toEqual({
      "circus.test": "abc",
    });
  });
});

describe("needsNetwork", () => {
  it("is true for several hosts or when asked for", () => {
    expect(needsNetwork(parseEnvironmentSpec(base))).toBe(false);
    expect(needsNetwork(parseEnvironmentSpec({ ...base, network: true }))).toBe(true);
    expect(needsNetwork(parseEnvironmentSpec({ ...base, hosts: [base.hosts[0], { name: "b", image: "x" }] }))).toBe(
      true,
    );
  });

  it("is true for a single Docker-enabled host, which joins the Circus registry", () => {
    const docker = { ...base, hosts: [{ name: "a", image: "circus/docker", docker: true }] };
    expect(needsNetwork(parseEnvironmentSpec(docker))).toBe(true);
  });
});
