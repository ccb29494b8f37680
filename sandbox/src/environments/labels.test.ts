import { describe, expect, it } from "vitest";
import { parseEnvironmentSpec } from "./environment";
import { environmentFromLabels, hostLabels, LABEL } from "./labels";

describe("labels", () => {
  it("carry everything needed to rebuild the environment", () => {
    const spec = parseEnvironmentSpec({
      hosts: [{ name: "node1", image: "circus/base:latest", env: { A: "1" } }],
      ttlSeconds: 60,
      idleTimeoutSeconds: 30,
      owner: "ada",
      labels: { "circus.test": "t1" },
    });
    const createdAt = new Date("2030-01-01T00:00:00.000Z");
    const expiresAt = new Date("2030-01-01T00:01:00.000Z");
    const labels = hostLabels({ id: "e1", spec, createdAt, expiresAt, scopeLabels: { "circus.scope": "s" } }, "node1");
    expect(labels).toMatchObject({
      [LABEL.environment]: "e1",
      [LABEL.host]: "node1",
      [LABEL.owner]: "ada",
      [LABEL.expiresAt]: "2030-01-01T00:01:00.000Z",
      "circus.test": "t1",
      "circus.scope": "s",
    });
    expect(environmentFromLabels(labels)).toEqual({ id: "e1", spec, createdAt, expiresAt });
  });

  it("reject labels that do not describe an environment", () => {
    expect(environmentFromLabels({ [LABEL.environment]: "e1" })).toBeUndefined();
  });
});
