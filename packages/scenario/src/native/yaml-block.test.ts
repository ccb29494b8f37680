import { describe, expect, it } from "vitest";
import { parseYamlBlock } from "./yaml-block";

describe("parseYamlBlock", () => {
  it("maps a value's position back to the file", () => {
    const block = parseYamlBlock("title: A\nhosts:\n  - name: node1\n", "scenario.md", 2);
    expect(block.diagnostics).toEqual([]);
    expect(block.value).toEqual({ title: "A", hosts: [{ name: "node1" }] });
    expect(block.locate(["hosts", 0, "name"])).toEqual({ line: 4, column: 11 });
  });

  it("reports an alias without its anchor (an unquoted '*') at the alias, instead of throwing", () => {
    const block = parseYamlBlock('assets:\n  - source: "*.conf"\n  - source: *"\n', "scenario.md", 2);
    expect(block.value).toBeUndefined();
    expect(block.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "yaml-invalid",
        file: "scenario.md",
        line: 4,
        column: 13,
        message: expect.stringContaining("has no anchor"),
      }),
    ]);
  });

  it("stops a document whose aliases expand without bound (billion laughs) with an error", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 8; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const block = parseYamlBlock(`${levels.join("\n")}\n`, "scenario.md", 2);
    expect(block.value).toBeUndefined();
    expect(block.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", code: "yaml-invalid", line: 2, column: 1 }),
    ]);
  });
});
