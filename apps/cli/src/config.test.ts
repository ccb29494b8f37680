import { describe, expect, it } from "vitest";
import { UsageError } from "./cli-errors";
import { readCliConfig } from "./config";

describe("readCliConfig: CIRCUS_RUNTIME_LABELS", () => {
  it("defaults to no labels", () => {
    expect(readCliConfig({}).runtimeLabels).toEqual({});
    expect(readCliConfig({ CIRCUS_RUNTIME_LABELS: "" }).runtimeLabels).toEqual({});
  });

  it("reads comma-separated key=value pairs", () => {
    expect(readCliConfig({ CIRCUS_RUNTIME_LABELS: "circus.test=abc,ci.job=42" }).runtimeLabels).toEqual({
      "circus.test": "abc",
      "ci.job": "42",
    });
  });

  it("refuses malformed pairs, naming the variable", () => {
    for (const value of ["nokey", "a=b,,c=d", "=x", "a=b=c"]) {
      expect(() => readCliConfig({ CIRCUS_RUNTIME_LABELS: value })).toThrow(UsageError);
      expect(() => readCliConfig({ CIRCUS_RUNTIME_LABELS: value })).toThrow(/CIRCUS_RUNTIME_LABELS/);
    }
  });
});
