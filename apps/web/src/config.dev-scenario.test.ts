// CIRCUS_DEV_SCENARIO (what `circus dev` sets): resolved against the working directory, refused with a
// ConfigError naming it when it is not a folder, and absent from the configuration when unset.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

const root = mkdtempSync(join(tmpdir(), "circus-web-dev-config-"));
mkdirSync(join(root, "scenarios", "my-lab"), { recursive: true });
writeFileSync(join(root, "not-a-folder.md"), "x");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = { CIRCUS_SCENARIOS_DIR: join(root, "scenarios"), CIRCUS_SECRET: "s".repeat(32) };
const parse = (env: Record<string, string>) => parseConfig({ ...base, ...env }, [], root, { stateDir: root });

describe("CIRCUS_DEV_SCENARIO", () => {
  it("is an absolute folder, resolved against the working directory", () => {
    expect(parse({ CIRCUS_DEV_SCENARIO: "scenarios/my-lab" }).devScenarioDir).toBe(join(root, "scenarios", "my-lab"));
  });

  it("is absent when unset or empty", () => {
    expect(parse({}).devScenarioDir).toBeUndefined();
    expect(parse({ CIRCUS_DEV_SCENARIO: "" }).devScenarioDir).toBeUndefined();
  });

  it("is refused, naming the variable, when it is not a folder", () => {
    for (const value of ["not-a-folder.md", "missing"]) {
      const error = (() => {
        try {
          parse({ CIRCUS_DEV_SCENARIO: value });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe("CIRCUS_DEV_SCENARIO");
    }
  });
});
