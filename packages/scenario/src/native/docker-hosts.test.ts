import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNativeScenario } from "./load-native-scenario";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

describe("hosts that ask for Docker", () => {
  it("run circus/docker unless they name an image, and say so to the sandbox", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("native-docker"));
    expect(diagnostics).toEqual([]);
    expect(scenario?.hosts.map((host) => [host.name, host.image, host.docker])).toEqual([
      ["dock", "circus/docker", true],
      ["custom", "circus/docker-extra", true],
      ["plain", "circus/base", undefined],
    ]);
  });

  it("cannot add capabilities, with a remedy", async () => {
    const { diagnostics } = await loadNativeScenario(fixture("broken-native-docker-capabilities"));
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "docker-host-capabilities",
        file: "scenario.md",
        line: 8,
        fix: expect.stringContaining("remove `capabilities`"),
      }),
    ]);
  });
});
