import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_SCENARIOS_DIR, parseConfig } from "./config";

const scenariosDir = mkdtempSync(join(tmpdir(), "circus-web-config-"));
afterAll(() => rmSync(scenariosDir, { recursive: true, force: true }));

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("applies the defaults for production", () => {
    const config = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir });
    expect(config).toEqual({
      port: 3000,
      host: "0.0.0.0",
      scenariosDir,
      dev: false,
      nodeEnv: "production",
      logLevel: "info",
    });
  });

  it("defaults the scenarios folder to the repository's scenarios/", () => {
    expect(DEFAULT_SCENARIOS_DIR.endsWith(join("/", "scenarios"))).toBe(true);
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: "" }, [], scenariosDir).scenariosDir).toBe(DEFAULT_SCENARIOS_DIR);
  });

  it("switches to development with --dev", () => {
    const config = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir }, ["--dev"]);
    expect(config.dev).toBe(true);
    expect(config.nodeEnv).toBe("development");
    expect(config.logLevel).toBe("debug");
  });

  it("reads PORT, HOST, NODE_ENV and LOG_LEVEL", () => {
    const config = parseConfig({
      PORT: "3100",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      CIRCUS_SCENARIOS_DIR: scenariosDir,
    });
    expect(config).toMatchObject({ port: 3100, host: "127.0.0.1", nodeEnv: "test", logLevel: "warn" });
  });

  it("resolves a relative CIRCUS_SCENARIOS_DIR against the working directory", () => {
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: "." }, [], scenariosDir).scenariosDir).toBe(scenariosDir);
  });

  it("names the variable when a value is invalid", () => {
    const error = configError(() => parseConfig({ PORT: "eighty", CIRCUS_SCENARIOS_DIR: scenariosDir }));
    expect(error.variable).toBe("PORT");
    expect(error.message).toContain("PORT");
    expect(error.remedy).toContain("port number");
    expect(configError(() => parseConfig({ PORT: "70000", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe("PORT");
    expect(configError(() => parseConfig({ LOG_LEVEL: "loud", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe(
      "LOG_LEVEL",
    );
    expect(configError(() => parseConfig({ NODE_ENV: "staging", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe(
      "NODE_ENV",
    );
  });

  it("fails when CIRCUS_SCENARIOS_DIR is not a folder", () => {
    const error = configError(() => parseConfig({ CIRCUS_SCENARIOS_DIR: join(scenariosDir, "missing") }));
    expect(error.variable).toBe("CIRCUS_SCENARIOS_DIR");
    expect(error.message).toContain("not a folder");
  });
});
