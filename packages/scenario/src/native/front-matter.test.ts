import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "./front-matter";

describe("splitFrontMatter", () => {
  it("separates the YAML and the body and gives the line each starts on", () => {
    const split = splitFrontMatter("---\ntitle: A\nduration: 5\n---\n\nBody\n");
    expect(split).toEqual({
      yaml: "title: A\nduration: 5\n",
      yamlLine: 2,
      body: "\nBody\n",
      bodyLine: 5,
      unclosed: false,
    });
  });

  it("accepts CRLF line ends and a `...` closing fence", () => {
    const split = splitFrontMatter("---\r\ntitle: A\r\n...\r\nBody");
    expect(split).toMatchObject({ yaml: "title: A\r\n", body: "Body", bodyLine: 4 });
  });

  it("treats a file without an opening fence as all body", () => {
    expect(splitFrontMatter("# Title\n---\n")).toEqual({
      yamlLine: 1,
      body: "# Title\n---\n",
      bodyLine: 1,
      unclosed: false,
    });
  });

  it("reports a front matter that never closes", () => {
    expect(splitFrontMatter("---\ntitle: A\n\nBody\n").unclosed).toBe(true);
  });

  it("reads an empty front matter", () => {
    expect(splitFrontMatter("---\n---\nBody")).toMatchObject({ yaml: "", body: "Body", bodyLine: 3 });
  });
});
