import { describe, expect, it } from "vitest";
import { readIndexJson } from "./index-json-document";

describe("readIndexJson", () => {
  it("locates keys and values by line and column", () => {
    const text = '{\n  "title": "T",\n  "details": {\n    "steps": [\n      { "text": "a.md" }\n    ]\n  }\n}\n';
    const { document, diagnostics } = readIndexJson(text);
    expect(diagnostics).toEqual([]);
    expect(document?.value).toEqual({ title: "T", details: { steps: [{ text: "a.md" }] } });
    expect(document?.locateKey(["details", "steps", 0, "text"])).toEqual({ file: "index.json", line: 5, column: 9 });
    expect(document?.locateValue(["details", "steps", 0, "text"])).toEqual({ file: "index.json", line: 5, column: 17 });
    // A missing path falls back to its nearest existing parent.
    expect(document?.locateValue(["details", "steps", 0, "verify"])).toEqual({
      file: "index.json",
      line: 5,
      column: 7,
    });
  });

  it("counts CRLF lines and ignores a byte order mark", () => {
    const { document } = readIndexJson('\uFEFF{\r\n  "title": "T"\r\n}\r\n');
    expect(document?.locateKey(["title"])).toEqual({ file: "index.json", line: 2, column: 3 });
  });

  it("reports a missing comma at the value after it, with a fix", () => {
    const { document, diagnostics } = readIndexJson('{\n  "title": "T"\n  "time": "5 minutes"\n}\n');
    expect(document).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        severity: "error",
        code: "index-json-invalid",
        message: "index.json is not valid JSON: a comma is missing before this value (CommaExpected)",
        fix: "add a comma at the end of the previous line",
        file: "index.json",
        line: 3,
        column: 3,
      },
    ]);
  });

  it("refuses trailing commas and comments, which JSON does not allow", () => {
    expect(readIndexJson('{\n  "title": "T",\n}').diagnostics).toMatchObject([
      { code: "index-json-invalid", line: 3, column: 1, message: expect.stringContaining("PropertyNameExpected") },
    ]);
    expect(readIndexJson('{\n  // note\n  "title": "T"\n}').diagnostics).toMatchObject([
      { code: "index-json-invalid", line: 2, column: 3, fix: "remove the comment" },
    ]);
  });

  it("reports an empty file and a document that is not an object", () => {
    expect(readIndexJson("").diagnostics).toMatchObject([{ code: "index-json-invalid", line: 1, column: 1 }]);
    expect(readIndexJson("[1]").diagnostics).toMatchObject([{ code: "index-json-not-object", line: 1, column: 1 }]);
  });
});
