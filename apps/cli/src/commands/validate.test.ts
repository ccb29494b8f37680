// Runs the real `circus validate` over the scenario package's fixtures and over scenarios written
// to temporary folders, checking exit codes, the --json contract and the human output.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCircus } from "../test/run-circus";
import { type ValidationReport, ValidationReportSchema } from "../validation/validation-report";

const FIXTURES = "packages/scenario/fixtures";
const SUMMARY_LINE = /^(\d+) scenarios: (\d+) valid, (\d+) invalid, (\d+) warnings$/;

function parseReport(stdout: string): ValidationReport {
  return ValidationReportSchema.parse(JSON.parse(stdout));
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

const GOOD_SCENARIO = {
  "scenario.md": "---\ntitle: Hello Circus\n---\nWelcome.\n",
  "01-first-step.md": "# Look around\n\nList the files:\n\n```bash exec\nls\n```\n",
};

describe.concurrent("circus validate", { timeout: 60_000 }, () => {
  let temp = "";
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), "circus-validate-"));
    await writeFiles(join(temp, "tree", "good"), GOOD_SCENARIO);
    await writeFiles(join(temp, "tree", "nested", "typo"), {
      "scenario.md": "---\ntitle: Typo\n---\nHi.\n",
      "01-typo.md": "# Typo\n\nRun this:\n`ls -l`{{exeute}}\n",
    });
    await writeFiles(join(temp, "tree", "untitled"), { "scenario.md": "---\ndescription: no title\n---\nBody.\n" });
    await mkdir(join(temp, "empty"));
  });
  afterAll(async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it("accepts the real KataCoda/Killercoda patterns with warnings, and refuses only the unsupported scenario type", async () => {
    const names = [
      "katacoda-pathway/untitled-in-pathway",
      "katacoda-placeholders-in-code",
      "katacoda-single-values",
      "katacoda-rhel-cluster3",
      "killercoda-kubernetes-variant",
      "katacoda-language-editor",
      "killercoda-copy-and-verify",
      "killercoda-jupyter",
    ];
    const run = await runCircus(["validate", ...names.map((name) => `${FIXTURES}/${name}`), "--json"]);
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    const byName = (name: string) => report.scenarios.find((s) => s.path === `${FIXTURES}/${name}`)!;
    for (const name of names.slice(0, -1)) expect(byName(name).errors, name).toEqual([]);
    expect(byName("katacoda-pathway/untitled-in-pathway")).toMatchObject({ title: "Counting files with wc" });
    expect(byName("katacoda-pathway/untitled-in-pathway").warnings.map((w) => w.code)).toEqual(["title-missing"]);
    expect(byName("killercoda-kubernetes-variant").format).toBe("killercoda");
    expect(byName("killercoda-jupyter").errors.map((e) => e.code)).toEqual(["scenario-type-unsupported"]);
    expect(report.summary).toMatchObject({ scenarios: 8, valid: 7, invalid: 1 });
  });

  it("reports the complete fixtures of every format as valid, with title and steps", async () => {
    const names = ["native-complete", "katacoda-complete", "killercoda-complete"];
    const run = await runCircus(["validate", ...names.map((name) => `${FIXTURES}/${name}`), "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = parseReport(run.stdout);
    expect(report.scenarios.map((s) => s.path)).toEqual(names.map((name) => `${FIXTURES}/${name}`));
    expect(report.scenarios.map((s) => s.format)).toEqual(["circus", "katacoda", "killercoda"]);
    for (const scenario of report.scenarios) {
      expect(scenario.errors).toEqual([]);
      expect(scenario.title).toEqual(expect.any(String));
      expect(scenario.steps).toBeGreaterThan(0);
    }
    expect(report.summary).toMatchObject({ scenarios: 3, valid: 3, invalid: 0 });
  });

  it("finds every fixture in the tree, fails on the broken ones and points into their files", async () => {
    const run = await runCircus(["validate", FIXTURES, "--json"]);
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    const broken = report.scenarios.filter((s) => s.path.startsWith(`${FIXTURES}/broken-`));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.some((s) => s.errors.length > 0)).toBe(true);
    for (const scenario of report.scenarios) {
      for (const diagnostic of [...scenario.errors, ...scenario.warnings]) {
        expect(diagnostic.file === scenario.path || diagnostic.file.startsWith(`${scenario.path}/`)).toBe(true);
      }
    }
    const invalid = report.scenarios.filter((s) => s.errors.length > 0).length;
    const warnings = report.scenarios.reduce((sum, s) => sum + s.warnings.length, 0);
    expect(report.summary).toEqual({
      scenarios: report.scenarios.length,
      valid: report.scenarios.length - invalid,
      invalid,
      warnings,
    });
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("validates a tree of scenarios, relative to the working directory", async () => {
    const run = await runCircus(["validate", "--json", "tree"], { cwd: temp });
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    expect(report.scenarios.map((s) => s.path)).toEqual(["tree/good", "tree/nested/typo", "tree/untitled"]);
    const [good, typo, untitled] = report.scenarios;
    expect(good).toMatchObject({ format: "circus", title: "Hello Circus", steps: 1, errors: [], warnings: [] });
    expect(typo?.errors).toEqual([]);
    expect(typo?.warnings).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        file: "tree/nested/typo/01-typo.md",
        line: 4,
        fix: expect.any(String),
      }),
    );
    expect(untitled).toMatchObject({ title: null, steps: 0 });
    expect(untitled?.errors).toContainEqual(
      expect.objectContaining({ severity: "error", file: "tree/untitled/scenario.md" }),
    );
    expect(report.summary).toEqual({ scenarios: 3, valid: 2, invalid: 1, warnings: typo?.warnings.length });
  });

  it("prints each diagnostic as file:line:column with its fix, and the summary line last", async () => {
    const run = await runCircus(["validate", "tree"], { cwd: temp });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    const summary = SUMMARY_LINE.exec(lines.at(-1) ?? "");
    expect(summary?.slice(1, 4)).toEqual(["3", "2", "1"]);
    expect(run.stdout).toContain('tree/good (circus, "Hello Circus", 1 step): valid');
    expect(run.stdout).toMatch(/^tree\/untitled\/scenario\.md:\d+:\d+: error \[[\w-]+\] \S.*$/m);
    const typo = lines.findIndex((line) => /^tree\/nested\/typo\/01-typo\.md:4:\d+: warning \[[\w-]+\] \S/.test(line));
    expect(typo).toBeGreaterThan(-1);
    expect(lines[typo + 1]).toMatch(/^ {2}fix: \S/);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("refuses a cloned KataCoda scenario whose assets/ links out to the server's files, at index.json's line", async () => {
    const root = join(temp, "linked");
    await writeFiles(root, {
      "server-state/secret": "the server secret\n",
      "clone/index.json": JSON.stringify(
        {
          title: "Cloned",
          details: {
            intro: { text: "intro.md" },
            steps: [{ title: "One", text: "step1.md" }],
            assets: { host01: [{ file: "secret", target: "~" }] },
          },
          backend: { imageid: "ubuntu" },
        },
        null,
        2,
      ),
      "clone/intro.md": "Intro\n",
      "clone/step1.md": "Step\n",
    });
    await symlink("../server-state", join(root, "clone", "assets"));
    const run = await runCircus(["validate", "clone"], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^clone\/index\.json:\d+:\d+: error \[path-outside-scenario\] "assets\/" is a link to a folder outside the scenario$/m,
    );
    expect(run.stdout).not.toContain("the server secret");
  });

  it("is valid with warnings only, and prints '.' for the scenario it runs in", async () => {
    const run = await runCircus(["validate", ".", "--json"], { cwd: join(temp, "tree", "nested", "typo") });
    expect(run.code).toBe(0);
    const report = parseReport(run.stdout);
    expect(report.scenarios[0]?.path).toBe(".");
    expect(report.scenarios[0]?.warnings[0]?.file).toBe("01-typo.md");
    expect(report.summary).toMatchObject({ scenarios: 1, valid: 1, invalid: 0 });
  });

  it("accepts a scenario's entry file for its folder", async () => {
    const run = await runCircus(["validate", "tree/good/scenario.md", "--json"], { cwd: temp });
    expect(run.code).toBe(0);
    expect(parseReport(run.stdout).scenarios.map((s) => s.path)).toEqual(["tree/good"]);
  });

  it("fails and says how to fix it when no scenario is found, still printing the JSON object", async () => {
    const run = await runCircus(["validate", "empty", "--json"], { cwd: temp });
    expect(run.code).toBe(1);
    expect(parseReport(run.stdout)).toEqual({
      scenarios: [],
      summary: { scenarios: 0, valid: 0, invalid: 0, warnings: 0 },
    });
    expect(run.stderr).toMatch(/no scenario found: empty \(holds no scenario\.md or index\.json\)/);
    expect(run.stderr).toMatch(/fix: .*scenario\.md/);
  });

  it("fails when one of the arguments does not exist, after reporting the others", async () => {
    const run = await runCircus(["validate", "tree/good", "missing"], { cwd: temp });
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("1 scenarios: 1 valid, 0 invalid, 0 warnings");
    expect(run.stderr).toContain("missing (no such file or folder)");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("is a usage error (exit 2) without a folder or with an unknown flag", async () => {
    const [none, flag] = await Promise.all([
      runCircus(["validate"], { cwd: temp }),
      runCircus(["validate", "tree", "--frobnicate"], { cwd: temp }),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("name at least one scenario folder");
    expect(none.stderr).toContain("Usage: circus validate <dir>...");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--frobnicate'");
    expect(flag.stdout).toBe("");
  });
});
