import { describe, expect, it } from "vitest";
import { extractHiddenBlocks } from "./hidden-blocks";

describe("extractHiddenBlocks on text that is costly to read inline", () => {
  it("finds the blocks of a page full of tildes, emphasis and link openers, at their lines", () => {
    const noise = ["a~~b ".repeat(5_000), "=~= ".repeat(5_000), "a*b ".repeat(5_000), "[a](".repeat(5_000)];
    const body = `${noise.join("\n\n")}\n\n\`\`\`bash verify timeout=5\ntrue\n\`\`\`\n`;
    const page = extractHiddenBlocks(body, 3, { takeTitle: false });
    expect(page.blocks).toMatchObject([{ role: "verify", text: "true", options: { timeout: "5" }, line: 11 }]);
    expect(page.markdown).toBe(`${noise.join("\n\n")}\n`);
  });

  it("reads the title's inline markdown, but takes a very long title as written", () => {
    expect(extractHiddenBlocks("# Run `ls` *now* ~~not~~\n", 1, { takeTitle: true }).title).toBe("Run ls now not");
    const long = `# ${"*a* ".repeat(300)}`;
    expect(extractHiddenBlocks(`${long}\n`, 1, { takeTitle: true }).title).toBe(long.slice(2).trim());
  });
});
