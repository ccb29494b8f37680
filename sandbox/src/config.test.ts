import { describe, expect, it } from "vitest";
import { resolveSandboxConfig } from "./config";

describe("resolveSandboxConfig", () => {
  it("takes the argument, then the environment variable, then the default", () => {
    const env = { CIRCUS_SANDBOX_MAX_ENVIRONMENTS: "7", CIRCUS_SANDBOX_RUNTIME: "runsc" };
    expect(resolveSandboxConfig({ maxEnvironments: 3 }, env)).toEqual({
      runtime: "runsc",
      maxEnvironments: 3,
      maxConcurrentCreates: 4,
      reapIntervalMs: 30_000,
      diskCheckIntervalMs: 2000,
      diskReserveMiB: 4096,
      logLevel: "info",
      terminalPipes: expect.stringMatching(/^\/.*terminals$/),
    });
    expect(resolveSandboxConfig({}, env).maxEnvironments).toBe(7);
    expect(resolveSandboxConfig({}, {}).runtime).toBe("runc");
  });

  it("fails naming a malformed variable or option", () => {
    expect(() => resolveSandboxConfig({}, { CIRCUS_SANDBOX_REAP_INTERVAL_MS: "soon" })).toThrow(
      "CIRCUS_SANDBOX_REAP_INTERVAL_MS",
    );
    expect(() => resolveSandboxConfig({ maxConcurrentCreates: 0 }, {})).toThrow("maxConcurrentCreates");
    expect(() => resolveSandboxConfig({}, { CIRCUS_SANDBOX_DISK_RESERVE_MIB: "-1" })).toThrow(
      "CIRCUS_SANDBOX_DISK_RESERVE_MIB",
    );
    expect(resolveSandboxConfig({}, { CIRCUS_SANDBOX_DISK_RESERVE_MIB: "0" }).diskReserveMiB).toBe(0);
    expect(() => resolveSandboxConfig({}, { CIRCUS_SANDBOX_TERMINAL_PIPES: "relative/dir" })).toThrow(
      "CIRCUS_SANDBOX_TERMINAL_PIPES",
    );
  });

  it("turns terminal pipes off or moves them", () => {
    expect(resolveSandboxConfig({}, { CIRCUS_SANDBOX_TERMINAL_PIPES: "off" }).terminalPipes).toBe(false);
    expect(resolveSandboxConfig({}, { CIRCUS_SANDBOX_TERMINAL_PIPES: "/srv/pipes" }).terminalPipes).toBe("/srv/pipes");
    expect(
      resolveSandboxConfig({ terminalPipes: false }, { CIRCUS_SANDBOX_TERMINAL_PIPES: "/srv/pipes" }).terminalPipes,
    ).toBe(false);
  });
});
