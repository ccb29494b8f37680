// Problems an author can make in index.json, each checked for its code and exact position.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultImageMap } from "./image-map";
import { loadKatacodaScenario } from "./load-katacoda-scenario";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A scenario folder with `index.json` written as the given lines (so positions are easy to read) and other files. */
async function scenario(indexLines: string[], files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "circus-katacoda-"));
  made.push(dir);
  await writeFile(join(dir, "index.json"), `${indexLines.join("\n")}\n`);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const load = (dir: string) => loadKatacodaScenario(dir, { imageMap: defaultImageMap });

describe("loadKatacodaScenario reports", () => {
  it("a value of the wrong type at the value, and no scenario", async () => {
    const dir = await scenario([
      "{",
      '  "title": "T",',
      '  "details": {',
      '    "steps": [{ "title": 7, "text": "s.md" }]',
      "  }",
      "}",
    ]);
    const outcome = await load(dir);
    expect(outcome.scenario).toBeUndefined();
    expect(outcome.diagnostics).toMatchObject([
      {
        severity: "error",
        code: "index-json-invalid-value",
        message: "details.steps[0].title: Invalid input: expected string, received number",
        line: 4,
        column: 26,
      },
    ]);
  });

  it("a missing title, as a warning, taking the folder name when no pathway file names the scenario", async () => {
    const dir = await scenario(["{", '  "description": "no title",', '  "backend": { "imageid": "ubuntu" }', "}"]);
    const outcome = await load(dir);
    expect(outcome.diagnostics).toMatchObject([
      { severity: "warning", code: "title-missing", message: expect.stringMatching(/uses the folder name/), line: 1 },
    ]);
    expect(outcome.scenario?.title).toMatch(/^Circus katacoda /);
  });

  it("an unknown difficulty (then beginner) and an unreadable time (then none), as warnings", async () => {
    const outcome = await load(
      await scenario([
        '{ "title": "T",',
        '  "difficulty": "spicy",',
        '  "time": "a while",',
        '  "backend": { "imageid": "ubuntu" } }',
      ]),
    );
    expect(outcome.scenario?.difficulty).toBe("beginner");
    expect(outcome.scenario?.durationMinutes).toBeUndefined();
    expect(outcome.diagnostics).toMatchObject([
      { severity: "warning", code: "difficulty-unknown", line: 2, column: 17 },
      { severity: "warning", code: "time-unparsable", line: 3, column: 11 },
    ]);
  });

  it("both courseData and background on one step", async () => {
    const dir = await scenario(
      [
        '{ "title": "T", "backend": { "imageid": "ubuntu" },',
        '  "details": { "steps": [',
        '    { "title": "S", "courseData": "a.sh", "background": "b.sh" }',
        "  ] } }",
      ],
      { "a.sh": "a", "b.sh": "b" },
    );
    expect((await load(dir)).diagnostics).toMatchObject([
      {
        code: "script-conflict",
        message: 'step 1 ("S"): both courseData and background are set; they are the same role',
        line: 3,
        column: 35,
      },
    ]);
  });

  it("a file reference that leaves the scenario folder, and a missing hint file", async () => {
    const dir = await scenario([
      '{ "title": "T", "backend": { "imageid": "ubuntu" },',
      '  "details": { "steps": [',
      '    { "title": "S", "text": "../secret.md", "hint": "hints/s1.md" }',
      "  ] } }",
    ]);
    expect((await load(dir)).diagnostics).toMatchObject([
      { code: "file-outside-scenario", line: 3, column: 29 },
      {
        code: "file-missing",
        message: 'step 1 ("S"): details.steps[0].hint names hints/s1.md, which does not exist',
        line: 3,
        column: 53,
      },
    ]);
  });

  it("a symbolic link that leads out of the scenario folder, as outside (never reading its target)", async () => {
    const dir = await scenario([
      '{ "title": "T", "backend": { "imageid": "ubuntu" },',
      '  "details": { "steps": [ { "title": "S", "text": "s.md" } ] } }',
    ]);
    const outside = await scenario(["{}"], { "secret.md": "top secret" });
    await symlink(join(outside, "secret.md"), join(dir, "s.md"));
    const outcome = await load(dir);
    expect(outcome.diagnostics).toMatchObject([{ code: "file-outside-scenario", line: 2, column: 51 }]);
    expect(JSON.stringify(outcome)).not.toContain("top secret");
  });

  it("keys that name Object's own properties as unknown", async () => {
    const dir = await scenario([
      '{ "title": "T", "backend": { "imageid": "ubuntu" },',
      '  "constructor": 1, "difficulty": "toString" }',
    ]);
    const outcome = await load(dir);
    expect(outcome.diagnostics).toMatchObject([
      {
        code: "unknown-key",
        message: "constructor is not a key Circus knows in index.json; it is ignored",
        line: 2,
        column: 3,
      },
      { code: "difficulty-unknown", line: 2, column: 35 },
    ]);
    expect(outcome.scenario?.difficulty).toBe("beginner");
  });

  it("a step without a title (as a warning) and an intro without text (an empty page)", async () => {
    const dir = await scenario(
      ['{ "title": "T", "backend": { "imageid": "ubuntu" },', '  "details": { "steps": [ { "text": "s.md" } ] } }'],
      { "s.md": "Hi" },
    );
    const outcome = await load(dir);
    expect(outcome.diagnostics).toMatchObject([
      { severity: "warning", code: "step-title-missing", line: 2, column: 27 },
    ]);
    expect(outcome.scenario?.steps[0]?.title).toBe("Step 1");
    expect(outcome.scenario?.intro).toMatchObject({ title: "Introduction", markdown: "" });
  });

  it("asset problems: a missing file, a glob that matches nothing, an unknown host key, chmod and a relative target", async () => {
    const dir = await scenario(
      [
        '{ "title": "T", "backend": { "imageid": "ubuntu" },',
        '  "details": { "assets": {',
        '    "host01": [',
        '      { "file": "missing.txt", "target": "~" },',
        '      { "file": "*.none", "target": "~" },',
        '      { "file": "ok.txt", "target": "data", "chmod": "u=rwx" }',
        "    ],",
        '    "host02": [ { "file": "ok.txt", "target": "/tmp" } ]',
        "  } } }",
      ],
      { "assets/ok.txt": "ok" },
    );
    const outcome = await load(dir);
    expect(outcome.diagnostics).toMatchObject([
      {
        severity: "error",
        code: "asset-missing",
        message:
          'details.assets.host01[0].file "missing.txt": there is no file or folder assets/missing.txt in the scenario',
        line: 4,
        column: 17,
      },
      { severity: "warning", code: "asset-glob-empty", line: 5, column: 17 },
      { severity: "warning", code: "asset-chmod-unsupported", line: 6, column: 54 },
      { severity: "warning", code: "asset-target-relative", line: 6, column: 37 },
      { severity: "error", code: "asset-host-unknown", line: 8, column: 5 },
    ]);
    expect(outcome.scenario).toBeUndefined();
  });

  it("a terminal on a host the image does not have, and a dashboard href that is no URL", async () => {
    const dir = await scenario([
      '{ "title": "T", "backend": { "imageid": "ubuntu" },',
      '  "environment": {',
      '    "terminals": [ { "name": "Two", "target": "host02" } ],',
      '    "dashboards": [ { "name": "Bad", "href": "not a url" }, { "name": "Far", "href": "{{TRAFFIC_HOST3_80}}" } ]',
      "  } }",
    ]);
    expect((await load(dir)).diagnostics).toMatchObject([
      { code: "terminal-host-unknown", line: 3, column: 47 },
      { code: "dashboard-href-invalid", line: 4, column: 46 },
      { code: "dashboard-host-unknown", line: 4, column: 86 },
    ]);
  });
});

describe("loadKatacodaScenario accepts", () => {
  it("quoted booleans and ports, and hidden dashboards become ports without a tab", async () => {
    const dir = await scenario([
      '{ "title": "T", "backend": { "imageid": "ubuntu" },',
      '  "environment": { "showdashboard": "false", "hidefinish": "true", "dashboards": [ { "name": "Web", "port": "8080" } ] } }',
    ]);
    const outcome = await load(dir);
    expect(outcome.diagnostics).toEqual([]);
    expect(outcome.scenario?.ports).toEqual([{ host: "host01", port: 8080, title: "Web", path: "/", tab: false }]);
    expect(outcome.scenario?.hideFinish).toBe(true);
  });
});
