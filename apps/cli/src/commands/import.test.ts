// The real `circus import` on the repository's own fixture track (Instruqt) and workshop (Educates):
// a valid native scenario comes out, with the report of what could not be carried over.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenario } from "@circus/scenario";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { REPO_ROOT, runCircus } from "../test/run-circus";

const ReportSchema = z.object({
  path: z.string(),
  from: z.enum(["instruqt", "educates"]),
  title: z.string(),
  valid: z.boolean(),
  steps: z.number(),
  files: z.array(z.string()),
  notCarried: z.array(z.string()),
  diagnostics: z.array(z.object({ severity: z.string(), at: z.string(), message: z.string() })),
});
const fixture = (name: string) => join(REPO_ROOT, "apps", "cli", "fixtures", name);

let temp = "";
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-import-"));
});
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("circus import", { timeout: 60_000 }, () => {
  it("turns an Instruqt track into a valid native scenario: hosts, tabs, run blocks, check/solve/setup scripts", async () => {
    const out = join(temp, "track");
    const run = await runCircus(["import", fixture("instruqt-track"), "--out", out, "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report).toMatchObject({
      from: "instruqt",
      title: "Files and pages",
      valid: true,
      steps: 2,
      diagnostics: [],
    });
    expect(report.notCarried).toEqual([
      'config.yml: workstation ran the image "gcr.io/instruqt/example-shell"; it runs circus/base',
      'config.yml: web ran the image "example/web-server:1.0"; it runs circus/base',
      "config.yml: secrets are not carried over",
      "01-make-a-directory: Instruqt variables ([[ Instruqt-Var ... ]]) are left as text",
      "01-make-a-directory: the notes shown while the challenge loads are left out",
      "01-make-a-directory: the time limit is not carried over",
      "01-make-a-directory/cleanup-workstation: cleanup scripts have no native equivalent",
      "02-serve-a-page: check-workstation is left out: a native step has one verify script (kept: web)",
    ]);

    const { scenario } = await loadScenario(out);
    expect(scenario?.hosts.map((host) => host.name)).toEqual(["workstation", "web"]);
    expect(scenario?.ports).toMatchObject([{ host: "web", port: 8000, title: "Site" }]);
    expect(scenario?.links).toEqual([{ title: "Docs", href: "https://example.org/docs" }]);
    expect(scenario?.editor).toMatchObject({ host: "web", root: "/srv" });
    expect(scenario?.intro.setup?.script).toContain("mkdir -p /root/track-ready");
    const [first, second] = scenario!.steps;
    expect(first).toMatchObject({ title: "Make a directory" });
    expect(first?.verify?.script).toContain('fail-message() { echo "$*"; exit 1; }');
    expect(first?.solve?.script).toContain("mkdir -p /root/projects");
    expect(second?.verify).toMatchObject({ host: "web" });
    expect(second?.solve).toMatchObject({ host: "web" });
    expect(await readFile(join(out, "02-serve-a-page.md"), "utf8")).toContain("```bash exec host=web\n");
  });

  it("turns an Educates workshop into a valid native scenario: pages, clickable actions, an examiner test", async () => {
    const out = join(temp, "workshop");
    const run = await runCircus(["import", fixture("educates-workshop"), "--out", out, "--json"]);
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report).toMatchObject({ from: "educates", title: "Shell notes", valid: true, steps: 2 });
    expect(report.notCarried).toEqual([
      'workshop.yaml: the "console" application has no Circus equivalent',
      'workshop/content/02-read-notes.md: the "dashboard:open-dashboard" clickable action has no Circus equivalent; kept as a plain block',
      "workshop/content/02-read-notes.md: session variables ({{< param ... >}}, %session_namespace%) are left as text",
    ]);
    const { scenario } = await loadScenario(out);
    expect(scenario).toMatchObject({ title: "Shell notes", durationMinutes: 20, difficulty: "beginner" });
    expect(scenario?.intro.markdown).toContain("keeps notes in a text file");
    expect(scenario?.editor).toMatchObject({ host: "workshop" });
    expect(scenario?.steps.map((step) => step.title)).toEqual(["Write notes", "Read notes"]);
    expect(scenario?.steps[0]?.verify?.script).toContain('grep -q "note"');
    const page = await readFile(join(out, "01-write-notes.md"), "utf8");
    expect(page).toContain('```bash exec\necho "first note" >> ~/notes.txt\n```');
    expect(page).toContain('```bash exec terminal=2\necho "second note" >> ~/notes.txt\n```');
    const second = await readFile(join(out, "02-read-notes.md"), "utf8");
    expect(second).toContain("```text open path=/root/notes.txt");
    expect(second).toContain("```text copy\nkeep calm and take notes\n```");
  });

  it("refuses a folder that is neither, and never overwrites", async () => {
    const unknown = await runCircus(["import", temp]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/neither track\.yml \(Instruqt\) nor resources\/workshop\.yaml \(Educates\)/);
    const again = await runCircus(["import", fixture("instruqt-track"), "--out", join(temp, "track")]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; circus import never overwrites/);
  });
});
