// The input limits, each with the adversarial input the fuzz test found: loading returns (no crash, no
// stack overflow), and the limit is reported as an error at the place where it is crossed.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "./load-scenario";
import type { Diagnostic } from "./model";

let scratch = "";
let count = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "circus-limits-"));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A scenario folder holding `files` (path: text). */
async function scenarioWith(files: Record<string, string>): Promise<string> {
  const dir = join(scratch, `case-${count++}`);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const at = (d: Diagnostic) => `${d.severity} ${d.code} ${d.file}:${d.line}:${d.column}`;
const errorsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === "error").map(at);
const FRONT_MATTER = "---\ntitle: Limits\n---\n"; // the body starts on line 4

describe("loadScenario on input that used to defeat the parsers", () => {
  it("loads a page of single and double tildes (quadratic in GFM strikethrough) with its hidden blocks", async () => {
    const dir = await scenarioWith({
      "scenario.md": `${FRONT_MATTER}${"=~= ".repeat(20_000)}\n`,
      "01-tildes.md": `# Tildes\n\n${"a~~b ".repeat(20_000)}\n\n\`\`\`bash verify\ntrue\n\`\`\`\n`,
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(errorsOf(diagnostics)).toEqual([]);
    expect(scenario?.steps[0]?.verify).toMatchObject({ script: "true", source: { file: "01-tildes.md", line: 6 } });
  });

  it("refuses a page over 256 KiB as page-too-large, at the place the limit is crossed", async () => {
    const dir = await scenarioWith({
      "scenario.md": `${FRONT_MATTER}${"=~= ".repeat(70_000)}\n`,
      "01-step.md": "# Step\n\nText\n",
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual(["error page-too-large scenario.md:4:262145"]);
  });

  it("refuses 39,000 nested block quotes as nesting-too-deep at the 65th marker", async () => {
    const dir = await scenarioWith({
      "scenario.md": `${FRONT_MATTER}Intro\n`,
      "01-deep.md": `# Deep\n\n${"> ".repeat(39_000)}x\n`,
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual(["error nesting-too-deep 01-deep.md:3:129"]);
  });

  it("refuses lists nested by indentation in finish.md", async () => {
    const lines = Array.from({ length: 70 }, (_, depth) => `${"  ".repeat(depth)}- item ${depth + 1}`);
    const dir = await scenarioWith({
      "scenario.md": `${FRONT_MATTER}Intro\n`,
      "01-step.md": "# Step\n\nText\n",
      "finish.md": `${lines.join("\n")}\n`,
    });
    const { diagnostics } = await loadScenario(dir);
    expect(errorsOf(diagnostics)).toEqual(["error nesting-too-deep finish.md:65:129"]);
  });

  it("refuses an index.json of 79,000 nested arrays as nesting-too-deep at the 101st bracket", async () => {
    const dir = await scenarioWith({ "index.json": "[".repeat(79_000) });
    const { format, scenario, diagnostics } = await loadScenario(dir);
    expect(format).toBe("katacoda");
    expect(scenario).toBeUndefined();
    expect(diagnostics.map(at)).toEqual(["error nesting-too-deep index.json:1:101"]);
  });

  it("refuses deeply nested quotes in a KataCoda step page", async () => {
    const dir = await scenarioWith({
      "index.json": JSON.stringify({ title: "Deep", details: { steps: [{ title: "One", text: "step1.md" }] } }),
      "step1.md": `Intro\n${"> ".repeat(39_000)}x\n`,
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual(["error nesting-too-deep step1.md:2:129"]);
  });

  it("refuses an asset glob over 1024 characters as glob-too-long (picomatch throws past 64 KiB)", async () => {
    const dir = await scenarioWith({
      "scenario.md": `---\ntitle: Glob\nassets:\n  - source: "${"a".repeat(70_000)}*"\n    target: /root\n---\nIntro\n`,
      "assets/a.txt": "a\n",
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual(["error glob-too-long scenario.md:4:13"]);
  });

  it("refuses a glob whose wildcards would backtrack for seconds per file as glob-too-complex", async () => {
    const dir = await scenarioWith({
      "scenario.md": `---\ntitle: Glob\nassets:\n  - source: "app/**"\n    target: /root\n  - source: "*a*a*c"\n    target: /x\n---\nIntro\n`,
      "assets/app/a.txt": "a\n",
    });
    const { diagnostics } = await loadScenario(dir);
    expect(errorsOf(diagnostics)).toEqual(["error glob-too-complex scenario.md:6:13"]);
  });

  it("refuses front matter nested 50,000 deep as nesting-too-deep instead of overflowing the YAML parser", async () => {
    const dir = await scenarioWith({
      "scenario.md": `---\ntitle: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n---\nIntro\n`,
    });
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(errorsOf(diagnostics)).toEqual(["error nesting-too-deep scenario.md:2:107"]);
  });
});
