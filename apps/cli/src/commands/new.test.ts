// The template of `circus new` validates with no warning at all, and the real `circus new` writes it,
// prints what to do next, and refuses to overwrite an existing folder.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadScenario } from "@circus/scenario";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scenarioSlug, scenarioTemplate, titleFromSlug } from "../scaffold/scenario-template";
import { runCircus } from "../test/run-circus";

let temp = "";
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-new-"));
});
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("scenarioTemplate", () => {
  it("loads as a valid native scenario with zero diagnostics, one host, an asset, a check and a quiz", async () => {
    const root = join(temp, "template-check");
    for (const [path, text] of Object.entries(scenarioTemplate({ title: 'A: tricky "title"' }))) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const loaded = await loadScenario(root);
    expect(loaded.diagnostics).toEqual([]);
    const scenario = loaded.scenario!;
    expect(scenario.title).toBe('A: tricky "title"');
    expect(scenario.hosts.map((host) => [host.name, host.image])).toEqual([["node1", "circus/base"]]);
    expect(scenario.assets).toHaveLength(1);
    expect(scenario.steps).toHaveLength(2);
    expect(scenario.steps[0]).toMatchObject({ verify: expect.anything(), solve: expect.anything() });
    expect(scenario.steps[1]!.quizzes).toHaveLength(1);
  });

  it("derives folder names and titles from names", () => {
    expect(scenarioSlug("My First Lab_2")).toBe("my-first-lab-2");
    expect(scenarioSlug("--!!--")).toBe("");
    expect(titleFromSlug("my-first-lab")).toBe("My first lab");
  });
});

describe("circus new", { timeout: 60_000 }, () => {
  it("creates the folder under --dir, validates it and prints the next commands", async () => {
    const run = await runCircus(["new", "Kubernetes Pods", "--dir", "labs", "--title", "Pods, up close"], {
      cwd: temp,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Created labs\/kubernetes-pods "Pods, up close" \(id kubernetes-pods, 2 steps, valid\)/);
    expect(run.stdout).toMatch(/circus dev labs\/kubernetes-pods/);
    expect(run.stdout).toMatch(/circus test labs\/kubernetes-pods/);
    const files = await readdir(join(temp, "labs", "kubernetes-pods"));
    expect(files.sort()).toEqual(
      Object.keys(scenarioTemplate({ title: "x" }))
        .map((path) => path.split("/")[0])
        .sort(),
    );
    expect(await readFile(join(temp, "labs", "kubernetes-pods", "scenario.md"), "utf8")).toMatch(
      /^title: "Pods, up close"$/m,
    );

    const validate = await runCircus(["validate", "labs/kubernetes-pods", "--json"], { cwd: temp });
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout).summary).toEqual({ scenarios: 1, valid: 1, invalid: 0, warnings: 0 });
  });

  it("refuses to overwrite an existing folder and leaves its files alone", async () => {
    await mkdir(join(temp, "scenarios", "taken"), { recursive: true });
    await writeFile(join(temp, "scenarios", "taken", "notes.md"), "mine\n");
    const run = await runCircus(["new", "taken"], { cwd: temp });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/scenarios\/taken already exists/);
    expect(run.stderr).toMatch(/fix: pick another name/);
    expect(await readdir(join(temp, "scenarios", "taken"))).toEqual(["notes.md"]);
  });

  it("prints one JSON object with --json and refuses a name without letters as a usage error", async () => {
    const run = await runCircus(["new", "json-lab", "--json"], { cwd: temp });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ path: "scenarios/json-lab", id: "json-lab", title: "Json lab" });
    const bad = await runCircus(["new", "!!!"], { cwd: temp });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/at least one letter or digit/);
  });
});
