import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../model";
import { loadNativeScenario } from "./load-native-scenario";
import { MAX_FILE_BYTES, readScenarioText } from "./scenario-files";

const at = (d: Diagnostic) => `${d.severity} ${d.code} ${d.file}:${d.line}:${d.column}`;
const TITLE_ONLY = "---\ntitle: Files\n---\n\nIntro.\n";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "circus-native-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
}

describe("readScenarioText", () => {
  it("returns the text without a byte order mark", async () => {
    await write({ "a.md": "\uFEFFhello\n" });
    expect(await readScenarioText(dir, "a.md")).toEqual({ text: "hello\n", diagnostics: [] });
  });

  it("refuses a binary file, pointing at the first NUL byte", async () => {
    await write({ "a.md": new Uint8Array([0x61, 0x0a, 0x62, 0x00]) });
    expect((await readScenarioText(dir, "a.md")).diagnostics.map(at)).toEqual(["error file-binary a.md:2:2"]);
  });

  it("refuses text that is not UTF-8, pointing at the first bad byte", async () => {
    await write({ "a.md": Buffer.concat([Buffer.from("ok\ncaf"), Buffer.from([0xe9]), Buffer.from("\n")]) });
    expect((await readScenarioText(dir, "a.md")).diagnostics.map(at)).toEqual(["error file-not-utf8 a.md:2:4"]);
  });

  it("refuses a file over the size limit without reading it", async () => {
    await write({ "a.md": "x".repeat(MAX_FILE_BYTES + 1) });
    const read = await readScenarioText(dir, "a.md");
    expect(read.text).toBeUndefined();
    expect(read.diagnostics.map(at)).toEqual(["error file-too-large a.md:1:1"]);
  });

  it("reports an empty file with the severity asked for", async () => {
    await write({ "a.md": " \n\n" });
    expect(await readScenarioText(dir, "a.md", { empty: "warning" })).toMatchObject({
      text: "",
      diagnostics: [{ severity: "warning", code: "file-empty" }],
    });
  });

  it("refuses paths and links that leave the scenario folder", async () => {
    await write({ "a.md": "x" });
    await symlink("/etc/hostname", join(dir, "link.md"));
    const from = { file: "scenario.md", line: 3, column: 10 };
    expect((await readScenarioText(dir, "../a.md", { referencedFrom: from })).diagnostics.map(at)).toEqual([
      "error path-outside-scenario scenario.md:3:10",
    ]);
    expect((await readScenarioText(dir, "/etc/hostname")).diagnostics.map(at)).toEqual([
      "error path-outside-scenario /etc/hostname:1:1",
    ]);
    expect((await readScenarioText(dir, "link.md")).diagnostics.map(at)).toEqual([
      "error path-outside-scenario link.md:1:1",
    ]);
  });
});

describe("loadNativeScenario with unreadable files", () => {
  it("reports a folder without scenario.md", async () => {
    const outcome = await loadNativeScenario(dir);
    expect(outcome.scenario).toBeUndefined();
    expect(outcome.diagnostics.map(at)).toEqual(["error file-missing scenario.md:1:1"]);
  });

  it("reports an empty scenario.md", async () => {
    await write({ "scenario.md": "" });
    expect((await loadNativeScenario(dir)).diagnostics.map(at)).toEqual(["error file-empty scenario.md:1:1"]);
  });

  it("reports scenario.md without front matter, and front matter that never closes", async () => {
    await write({ "scenario.md": "# Title\n\nText.\n" });
    expect((await loadNativeScenario(dir)).diagnostics.map(at)).toEqual(["error front-matter-missing scenario.md:1:1"]);
    await write({ "scenario.md": "---\ntitle: A\n\nText.\n" });
    expect((await loadNativeScenario(dir)).diagnostics.map(at)).toEqual([
      "error front-matter-unclosed scenario.md:1:1",
    ]);
  });

  it("reports a missing intro script at the front matter field that names it", async () => {
    await write({ "scenario.md": "---\ntitle: A\nintro:\n  setup: setup.sh\n---\n" });
    const outcome = await loadNativeScenario(dir);
    expect(outcome.diagnostics.map(at)).toEqual(["error file-missing scenario.md:4:10"]);
    expect(outcome.diagnostics[0]?.fix).toBe('create "setup.sh" or correct the file name');
  });

  it("reports binary, non-UTF-8, empty and huge steps, and loads nothing", async () => {
    await write({
      "scenario.md": TITLE_ONLY,
      "01-binary.md": new Uint8Array([0x00, 0x01]),
      "02-latin1.md": Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      "03-empty.md": "",
      "04-huge.md": "y".repeat(MAX_FILE_BYTES + 10),
    });
    const outcome = await loadNativeScenario(dir);
    expect(outcome.scenario).toBeUndefined();
    expect(outcome.diagnostics.map(at)).toEqual([
      "error file-binary 01-binary.md:1:1",
      "error file-not-utf8 02-latin1.md:1:4",
      "error file-empty 03-empty.md:1:1",
      "error file-too-large 04-huge.md:1:1",
    ]);
  });

  it("warns about an empty sidecar and hidden blocks on the intro page", async () => {
    await write({
      "scenario.md": `${TITLE_ONLY}\n\`\`\`bash setup\ntrue\n\`\`\`\n`,
      "01-a.md": "# A\n\nText.\n",
      "01-a.solve.sh": "",
    });
    const outcome = await loadNativeScenario(dir);
    expect(outcome.scenario?.intro.markdown).toBe("Intro.\n");
    expect(outcome.scenario?.steps[0]?.solve).toBeUndefined();
    expect(outcome.diagnostics.map(at)).toEqual([
      "warning hidden-block-outside-step scenario.md:7:1",
      "warning file-empty 01-a.solve.sh:1:1",
    ]);
  });

  it("uses one node1 host with circus/base and one terminal per host when none are declared", async () => {
    await write({ "scenario.md": TITLE_ONLY, "01-a.md": "Text.\n" });
    const { scenario, diagnostics } = await loadNativeScenario(join(dir));
    expect(diagnostics).toEqual([]);
    expect(scenario?.hosts).toEqual([
      {
        name: "node1",
        image: "circus/base",
        cpus: 1,
        memoryMiB: 512,
        pids: 512,
        diskMiB: 2048,
        capabilities: [],
        env: {},
      },
    ]);
    expect(scenario?.terminals).toEqual([{ id: "node1", title: "node1", host: "node1" }]);
    expect(scenario?.steps[0]).toMatchObject({ title: "A", markdown: "Text.\n", source: { file: "01-a.md", line: 1 } });
    expect(scenario?.finish).toEqual({
      title: "Finish",
      markdown: "",
      source: { file: "finish.md", line: 1, column: 1 },
    });
  });

  it("reads a host's disk quota as a size, and points at one below the minimum", async () => {
    await write({
      "scenario.md": "---\ntitle: T\nhosts:\n  - name: node1\n    disk: 4g\n---\nIntro.\n",
      "01-a.md": "A\n",
    });
    expect((await loadNativeScenario(dir)).scenario?.hosts[0]?.diskMiB).toBe(4096);
    await write({ "scenario.md": "---\ntitle: T\nhosts:\n  - name: node1\n    disk: 32\n---\nIntro.\n" });
    const outcome = await loadNativeScenario(dir);
    expect(outcome.diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual([
      expect.stringMatching(/^error scenario-invalid scenario\.md:5:\d+ .*disk.*MiB/),
    ]);
  });
});
