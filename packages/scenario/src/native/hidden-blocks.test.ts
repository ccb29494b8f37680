import { describe, expect, it } from "vitest";
import { extractHiddenBlocks } from "./hidden-blocks";

describe("extractHiddenBlocks", () => {
  it("takes out role blocks, keeping every other character at its line and column", () => {
    const body = [
      "Intro `ls`{{execute}}", // line 10
      "",
      "```bash verify timeout=30 host=node2",
      "test -f /tmp/x",
      "```",
      "",
      "```bash exec",
      "echo hi",
      "```",
    ].join("\n");
    const page = extractHiddenBlocks(`${body}\n`, 10, { takeTitle: false });
    expect(page.markdown).toBe("Intro `ls`{{execute}}\n\n\n\n\n\n```bash exec\necho hi\n```\n");
    expect(page.line).toBe(10);
    expect(page.markdown.split("\n")[6]).toBe("```bash exec"); // still file line 16
    expect(page.blocks).toEqual([
      {
        role: "verify",
        text: "test -f /tmp/x",
        options: { timeout: "30", host: "node2" },
        line: 12,
        column: 1,
        contentLine: 13,
      },
    ]);
  });

  it("reads the role after an optional language, and `setup foreground` as the foreground role", () => {
    const body =
      "```hint\nh\n```\n\n```markdown hint\nm\n```\n\n```bash setup foreground\ncd /\n```\n\n```quiz\nq\n```\n\n```sh solve\ns\n```\n";
    const roles = extractHiddenBlocks(body, 1, { takeTitle: false }).blocks.map((b) => [b.role, b.options]);
    expect(roles).toEqual([
      ["hint", {}],
      ["hint", {}],
      ["foreground", {}],
      ["quiz", {}],
      ["solve", {}],
    ]);
  });

  it("leaves clickable and plain blocks alone", () => {
    const body = "```bash exec host=node1\nls\n```\n\n```yaml copy\na: 1\n```\n\n```\nplain\n```\n";
    const page = extractHiddenBlocks(body, 1, { takeTitle: false });
    expect(page.blocks).toEqual([]);
    expect(page.markdown).toBe(body);
  });

  it("takes the first # heading as the title, drops the blank lines before the text and moves `line`", () => {
    const page = extractHiddenBlocks("\n# Start *here*\n\nText\n", 4, { takeTitle: true });
    expect(page).toMatchObject({ title: "Start here", markdown: "Text\n", line: 7 });
  });

  it("keeps the heading when no title is wanted", () => {
    const page = extractHiddenBlocks("# Kept\n", 1, { takeTitle: false });
    expect(page).toMatchObject({ title: undefined, markdown: "# Kept\n", line: 1 });
  });

  it("ends a block at a KataCoda closing fence that carries a directive", () => {
    const body = "```\nls\n```{{execute T2}}\n\n```bash verify\ntrue\n```\n";
    const page = extractHiddenBlocks(body, 1, { takeTitle: false });
    expect(page.blocks.map((b) => [b.role, b.line])).toEqual([["verify", 5]]);
    expect(page.markdown).toBe("```\nls\n```{{execute T2}}\n");
  });

  it("keeps CRLF line breaks where it blanks", () => {
    const page = extractHiddenBlocks("A\r\n\r\n```bash solve\r\nx\r\n```\r\nB\r\n", 1, { takeTitle: false });
    expect(page.markdown).toBe("A\r\n\r\n\r\n\r\n\r\nB\n");
  });
});
