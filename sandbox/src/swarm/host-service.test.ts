import { describe, expect, it } from "vitest";
import { parseEnvironmentSpec } from "../environments/environment";
import { environmentOverlayOptions, hostServiceSpec } from "./host-service";

const host = parseEnvironmentSpec({
  hosts: [
    {
      name: "web",
      image: "circus/base:latest",
      cpus: 0.5,
      memoryMiB: 256,
      pids: 128,
      capabilities: ["NET_ADMIN"],
      env: { GREETING: "hi" },
    },
  ],
  ttlSeconds: 60,
  idleTimeoutSeconds: 60,
}).hosts[0]!;

describe("hostServiceSpec", () => {
  const spec = hostServiceSpec({
    environmentId: "abc123",
    host,
    labels: { "circus.environment": "abc123" },
    networkName: "circus-abc123",
    registry: "10.0.0.5:5000",
  }) as {
    Name: string;
    Mode: unknown;
    EndpointSpec: unknown;
    TaskTemplate: {
      ContainerSpec: Record<string, unknown>;
      Resources: { Limits: Record<string, number>; Reservations: Record<string, number> };
      RestartPolicy: unknown;
      Networks: unknown;
    };
  };

  it("is one replica that is never restarted, on the environment's overlay only", () => {
    expect(spec.Name).toBe("circus-abc123-web");
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: "none", MaxAttempts: 0 });
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: "circus-abc123", Aliases: ["web"] }]);
    expect(spec.EndpointSpec).toEqual({ Mode: "dnsrr" });
  });

  it("reserves exactly what it limits, so Swarm never places more than a node holds", () => {
    const { Limits, Reservations } = spec.TaskTemplate.Resources;
    expect(Limits).toEqual({ NanoCPUs: 5e8, MemoryBytes: 256 * 1024 * 1024, Pids: 128 });
    expect(Reservations).toEqual({ NanoCPUs: Limits.NanoCPUs, MemoryBytes: Limits.MemoryBytes });
  });

  it("drops every capability but the spec's, pulls from the registry and resolves nothing outside", () => {
    expect(spec.TaskTemplate.ContainerSpec).toMatchObject({
      Image: "10.0.0.5:5000/circus/base:latest",
      CapabilityDrop: ["ALL"],
      CapabilityAdd: ["CAP_NET_ADMIN"],
      Init: true,
      Env: ["GREETING=hi"],
      Hostname: "web",
      DNSConfig: { Nameservers: ["127.0.0.1"] },
      Labels: { "circus.environment": "abc123" },
    });
  });
});

describe("environmentOverlayOptions", () => {
  it("makes an internal overlay that no other service can attach to", () => {
    expect(environmentOverlayOptions("circus-abc123", { a: "b" })).toMatchObject({
      Driver: "overlay",
      Internal: true,
      Attachable: false,
      Labels: { a: "b" },
    });
  });
});
