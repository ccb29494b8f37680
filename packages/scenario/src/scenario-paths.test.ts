import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadScenario } from "./load-scenario";
import type { Diagnostic } from "./model";
import { listScenarioFiles, resolveScenarioPath } from "./scenario-paths";

// Each test has a "server" folder holding a secret next to the scenario folder, and links from the
// scenario out to it, as a cloned third-party scenario could ship them.
let base: string;
let dir: string;
const SECRET = "server secret 9f3a\n";

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "circus-paths-"));
  dir = join(base, "scenario");
  await write(base, { "secret/key.txt": SECRET, "secret/step.md": "# Stolen\n\ncat key\n" });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

async function link(target: string, name: string): Promise<void> {
  await mkdir(dirname(join(dir, name)), { recursive: true });
  await symlink(target, join(dir, name));
}

const errorsOf = async () =>
  (await loadScenario(dir)).diagnostics
    .filter((d: Diagnostic) => d.severity === "error")
    .map((d) => `${d.code} ${d.file}:${d.line}`);

const NATIVE = [
  "---",
  "title: Links",
  "intro: {setup: intro.sh}",
  "assets:",
  "  - source: key.txt",
  "    target: /root/",
  "---",
  "Intro.",
].join("\n");

const katacoda = (assets: unknown) =>
  JSON.stringify(
    {
      title: "Links",
      details: {
        intro: { text: "intro.md" },
        steps: [{ title: "One", text: "step1.md" }],
        ...(assets ? { assets: { host01: assets } } : {}),
      },
      backend: { imageid: "ubuntu" },
    },
    null,
    2,
  );

describe("resolveScenarioPath", () => {
  it("follows links inside the folder and refuses those that lead out, also through a linked folder", async () => {
    await write(dir, { "inside.txt": "ok\n" });
    await link("inside.txt", "alias.txt");
    await link("../secret", "sub");
    await link(join(base, "secret/key.txt"), "absolute.txt");
    expect(await resolveScenarioPath(dir, "alias.txt")).toMatchObject({ ok: true });
    expect(await resolveScenarioPath(dir, "sub/key.txt")).toEqual({ ok: false, reason: "outside" });
    expect(await resolveScenarioPath(dir, "absolute.txt")).toEqual({ ok: false, reason: "outside" });
    expect(await resolveScenarioPath(dir, "../secret/key.txt")).toEqual({ ok: false, reason: "outside" });
    expect(await resolveScenarioPath(dir, "nothing.txt")).toEqual({ ok: false, reason: "missing" });
  });

  it("lists links out of a folder apart and never lists what is behind them", async () => {
    await write(dir, { "assets/a.txt": "a\n", "shared.txt": "s\n" });
    await link("../shared.txt", "assets/b.txt");
    await link("../../secret", "assets/escape");
    await link("../../secret/key.txt", "assets/key.txt");
    expect(await listScenarioFiles(dir, "assets")).toEqual({
      exists: true,
      folderOutside: false,
      files: ["a.txt", "b.txt"],
      outside: ["escape", "key.txt"],
    });
  });
});

describe("native scenarios with links out of the folder", () => {
  beforeEach(async () => {
    await write(dir, { "scenario.md": NATIVE, "intro.sh": "true\n", "01-one.md": "# One\n\nDo it.\n" });
  });

  it("loads when every link stays inside, and a link to a file inside is an asset", async () => {
    await write(dir, { "shared/key.txt": "not secret\n" });
    await link("../shared/key.txt", "assets/key.txt");
    const loaded = await loadScenario(dir);
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(loaded.scenario?.assets.map((a) => a.source)).toEqual(["key.txt"]);
  });

  it("refuses an assets folder that is a link out, at the assets entry of scenario.md", async () => {
    await link("../secret", "assets");
    expect(await errorsOf()).toEqual(["path-outside-scenario scenario.md:5", "asset-no-match scenario.md:5"]);
  });

  it("refuses a link inside assets/ that points out", async () => {
    await link("../../secret/key.txt", "assets/key.txt");
    expect(await errorsOf()).toEqual(["path-outside-scenario assets/key.txt:1", "asset-no-match scenario.md:5"]);
  });

  it("refuses a step file, a sidecar script and an intro script linked out", async () => {
    await write(dir, { "assets/key.txt": "fine\n" });
    await link("../secret/step.md", "02-two.md");
    await link("../secret/key.txt", "01-one.verify.sh");
    await rm(join(dir, "intro.sh"));
    await link(join(base, "secret/key.txt"), "intro.sh");
    expect(await errorsOf()).toEqual([
      "path-outside-scenario 01-one.verify.sh:1",
      "path-outside-scenario 02-two.md:1",
      "path-outside-scenario scenario.md:3",
    ]);
  });
});

describe("KataCoda scenarios with links out of the folder", () => {
  beforeEach(async () => {
    await write(dir, { "intro.md": "Intro\n", "step1.md": "Step\n" });
  });

  it("loads when nothing links out", async () => {
    await write(dir, { "index.json": katacoda([{ file: "key.txt", target: "~" }]), "assets/key.txt": "fine\n" });
    expect(await errorsOf()).toEqual([]);
  });

  it("refuses an assets folder that is a link out, at details.assets of index.json", async () => {
    await write(dir, { "index.json": katacoda([{ file: "key.txt", target: "~" }]) });
    await link("../secret", "assets");
    expect(await errorsOf()).toEqual(["path-outside-scenario index.json:13", "asset-missing index.json:16"]);
  });

  it("refuses a link inside assets/ that points out", async () => {
    await write(dir, { "index.json": katacoda([{ file: "key.txt", target: "~" }]) });
    await link("../../secret/key.txt", "assets/key.txt");
    expect(await errorsOf()).toEqual(["path-outside-scenario assets/key.txt:1", "asset-missing index.json:16"]);
  });

  it("refuses a step text file and index.json itself linked out", async () => {
    await write(dir, { "index.json": katacoda(undefined) });
    await rm(join(dir, "step1.md"));
    await link("../secret/step.md", "step1.md");
    const [stepError] = await errorsOf();
    expect(stepError).toMatch(/^\S+ index\.json:\d+$/);
    expect((await loadScenario(dir)).diagnostics.find((d) => d.severity === "error")?.message).toMatch(/outside/);
    await rm(join(dir, "index.json"));
    await link("../secret/index.json", "index.json");
    await write(base, { "secret/index.json": katacoda(undefined) });
    expect(await errorsOf()).toEqual(["file-missing index.json:1"]);
  });
});
