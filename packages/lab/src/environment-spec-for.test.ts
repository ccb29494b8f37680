import type { Host, Scenario } from "@circus/scenario";
import { describe, expect, it } from "vitest";
import { environmentSpecFor, SCENARIO_LABEL } from "./environment-spec-for";

const page = { title: "", markdown: "", source: { file: "scenario.md", line: 1, column: 1 } };

function scenarioWith(hosts: Host[], network = false): Scenario {
  return {
    id: "demo",
    format: "circus",
    title: "Demo",
    description: "",
    difficulty: "beginner",
    tags: [],
    hosts,
    network,
    terminals: [],
    ports: [],
    links: [],
    intro: page,
    steps: [],
    finish: page,
    hideIntro: false,
    hideFinish: false,
    assets: [],
  };
}

const host = (name: string, overrides: Partial<Host> = {}): Host => ({
  name,
  image: "circus/base",
  cpus: 1,
  memoryMiB: 512,
  pids: 512,
  diskMiB: 2048,
  capabilities: [],
  env: {},
  docker: false,
  ...overrides,
});

describe("environmentSpecFor", () => {
  it("carries each host's image, limits, capabilities and environment", () => {
    const spec = environmentSpecFor(
      scenarioWith([
        host("node1", {
          cpus: 2,
          memoryMiB: 1024,
          pids: 256,
          diskMiB: 4096,
          capabilities: ["NET_ADMIN"],
          env: { MODE: "lab" },
        }),
      ]),
      { ttlSeconds: 1800, idleTimeoutSeconds: 600 },
    );
    expect(spec.hosts).toEqual([
      {
        name: "node1",
        image: "circus/base",
        cpus: 2,
        memoryMiB: 1024,
        pids: 256,
        diskMiB: 4096,
        capabilities: ["NET_ADMIN"],
        env: { MODE: "lab" },
        docker: false,
      },
    ]);
    expect(spec.ttlSeconds).toBe(1800);
    expect(spec.idleTimeoutSeconds).toBe(600);
  });

  it("asks for Docker on the hosts that want it", () => {
    const spec = environmentSpecFor(
      scenarioWith([host("dock", { image: "circus/docker", docker: true }), host("plain")]),
      {
        ttlSeconds: 60,
        idleTimeoutSeconds: 60,
      },
    );
    expect(spec.hosts.map((entry) => [entry.name, entry.docker])).toEqual([
      ["dock", true],
      ["plain", false],
    ]);
  });

  it("gives a network to multi-host scenarios and to single-host ones that ask", () => {
    const options = { ttlSeconds: 60, idleTimeoutSeconds: 60 };
    expect(environmentSpecFor(scenarioWith([host("a")]), options).network).toBe(false);
    expect(environmentSpecFor(scenarioWith([host("a")], true), options).network).toBe(true);
    expect(environmentSpecFor(scenarioWith([host("a"), host("b")]), options).network).toBe(true);
  });

  it("labels the environment with the scenario, plus the owner and labels asked for", () => {
    const spec = environmentSpecFor(scenarioWith([host("a")]), {
      ttlSeconds: 60,
      idleTimeoutSeconds: 60,
      owner: "run-1",
      labels: { "circus.test": "abc" },
    });
    expect(spec.owner).toBe("run-1");
    expect(spec.labels).toEqual({ [SCENARIO_LABEL]: "demo", "circus.test": "abc" });
    expect(
      environmentSpecFor(scenarioWith([host("a")]), { ttlSeconds: 60, idleTimeoutSeconds: 60 }),
    ).not.toHaveProperty("owner");
  });

  it("does not share the scenario's arrays and records with the spec", () => {
    const scenario = scenarioWith([host("a", { capabilities: ["CHOWN"], env: { A: "1" } })]);
    const spec = environmentSpecFor(scenario, { ttlSeconds: 60, idleTimeoutSeconds: 60 });
    spec.hosts[0]!.capabilities!.push("KILL");
    spec.hosts[0]!.env!.B = "2";
    expect(scenario.hosts[0]!.capabilities).toEqual(["CHOWN"]);
    expect(scenario.hosts[0]!.env).toEqual({ A: "1" });
  });
});
