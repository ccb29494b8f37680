import { describe, expect, it } from "vitest";
import { findDeepNesting, findPageLimitBreach, MAX_MARKDOWN_NESTING, pageLimitDiagnostic } from "./page-limits";

const nested = (depth: number, line: (level: number) => string) =>
  Array.from({ length: depth }, (_, level) => line(level)).join("\n");

describe("findDeepNesting", () => {
  it("allows 64 block quotes and reports the 65th marker", () => {
    expect(findDeepNesting(`${"> ".repeat(64)}x`, MAX_MARKDOWN_NESTING)).toBeUndefined();
    expect(findDeepNesting(`${"> ".repeat(65)}x`, MAX_MARKDOWN_NESTING)).toBe(128);
    expect(findDeepNesting(`${">".repeat(65)}x`, MAX_MARKDOWN_NESTING)).toBe(64);
  });

  it("counts list items nested by indentation, bullets and ordered, through lazy lines", () => {
    const bullets = nested(66, (level) => `${"  ".repeat(level)}- item`);
    expect(findDeepNesting(bullets, 64)).toBe(bullets.indexOf(`\n${"  ".repeat(64)}-`) + 1 + 128);
    const ordered = nested(66, (level) => `${"   ".repeat(level)}1. item\nlazy text`);
    expect(findDeepNesting(ordered, 64)).toBe(ordered.indexOf(`\n${"   ".repeat(64)}1.`) + 1 + 192);
    expect(
      findDeepNesting(
        nested(64, (level) => `${"  ".repeat(level)}* item`),
        64,
      ),
    ).toBeUndefined();
  });

  it("counts quotes, list markers and footnote definitions mixed on one line", () => {
    expect(findDeepNesting(`${"> - ".repeat(32)}x`, 64)).toBeUndefined();
    expect(findDeepNesting(`${"> - ".repeat(33)}x`, 64)).toBe(128);
    expect(findDeepNesting(`${"[^a]: ".repeat(64)}x`, 64)).toBeUndefined();
    expect(findDeepNesting(`${"[^a]: ".repeat(20_000)}x`, 64)).toBe(384);
    expect(
      findDeepNesting(
        `${"[^a b]: ".repeat(100)}x
${"[^]: ".repeat(100)}`,
        64,
      ),
    ).toBeUndefined();
  });

  it("does not count deep indentation, rules or text that only looks like markers", () => {
    const yaml = [
      "```yaml",
      ...Array.from({ length: 200 }, (_, level) => `${" ".repeat(level * 2)}key${level}:`),
      "```",
    ];
    expect(findDeepNesting(yaml.join("\n"), 64)).toBeUndefined();
    expect(findDeepNesting(`${"- ".repeat(200)}\n${"* ".repeat(200)}`, 64)).toBeUndefined();
    expect(findDeepNesting(`${"-".repeat(200)} x\n${"a > ".repeat(200)}`, 64)).toBeUndefined();
  });
});

describe("findPageLimitBreach", () => {
  it("reports a page over 256 KiB of UTF-8 at the first character past the limit", () => {
    expect(findPageLimitBreach("é".repeat(131_072))).toBeUndefined(); // 2 bytes each: exactly 256 KiB
    expect(findPageLimitBreach("é".repeat(131_073))).toMatchObject({ code: "page-too-large", offset: 131_072 });
    expect(findPageLimitBreach("a".repeat(300_000))).toMatchObject({ code: "page-too-large", offset: 262_144 });
  });

  it("places the diagnostic in the file, counting from where the page starts", () => {
    const page = `one\r\ntwo\n${"> ".repeat(65)}x`;
    expect(pageLimitDiagnostic(page, { file: "01-a.md", line: 10, column: 1 })).toMatchObject({
      severity: "error",
      code: "nesting-too-deep",
      file: "01-a.md",
      line: 12,
      column: 129,
    });
    expect(pageLimitDiagnostic("fine", { file: "01-a.md", line: 1, column: 1 })).toBeUndefined();
  });
});
