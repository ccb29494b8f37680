import { describe, expect, it } from "vitest";
import { findYamlNesting } from "./yaml-nesting";

describe("findYamlNesting", () => {
  it("counts flow brackets, block indentation and compact `- ` markers together", () => {
    expect(findYamlNesting(`a: ${"[".repeat(9)}${"]".repeat(9)}`, 10)).toBeUndefined();
    expect(findYamlNesting(`a: ${"[".repeat(10)}`, 10)).toBe(12);
    expect(findYamlNesting(`${"- ".repeat(11)}x`, 10)).toBe(18);
    const indented = Array.from({ length: 12 }, (_, level) => `${" ".repeat(level)}k${level}:`).join("\n");
    expect(findYamlNesting(indented, 10)).toBe(indented.indexOf("k10"));
  });

  it("counts `- ` markers after a flow collection left open (found by the fuzz test)", () => {
    const text = `title: Bad YAML
tags: [docker, networking
${"- ".repeat(30_000)}
hosts:
`;
    expect(findYamlNesting(text, 100)).toBe(text.indexOf("- ") + 2 * 98);
  });

  it("ignores brackets in quoted strings and comments, but not after an apostrophe in plain text", () => {
    expect(findYamlNesting(`a: "${"[".repeat(50)}"\nb: '${"{".repeat(50)}' # ${"[".repeat(50)}`, 10)).toBeUndefined();
    expect(findYamlNesting(`title: it's here\nb: ${"[".repeat(20)}`, 10)).toBe(29);
  });

  it("lets ordinary front matter through", () => {
    const frontMatter = "title: A\nhosts:\n  - name: node1\n    env: { A: '1', B: \"[x]\" }\ntags: [a, b]\n";
    expect(findYamlNesting(frontMatter, 10)).toBeUndefined();
  });
});
