// What real KataCoda and Killercoda scenarios write and the platforms accepted, one fixture per pattern
// (packages/scenario/fixtures): each loads, with a warning where the author should fix something.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { editorFilePath } from "../editor-paths";
import { loadScenario } from "../load-scenario";
import { resolveCommandPlaceholders } from "../markdown/port-placeholders";
import { renderMarkdown } from "../markdown/render-markdown";
import { KUBERNETES_UNAVAILABLE } from "./image-map";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const codes = (diagnostics: { code: string }[]) => diagnostics.map((d) => d.code);

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("an empty title", () => {
  it("comes from the sibling pathway file that names the scenario, with a warning", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-pathway/untitled-in-pathway"));
    expect(scenario?.title).toBe("Counting files with wc");
    expect(diagnostics).toMatchObject([
      {
        severity: "warning",
        code: "title-missing",
        message: expect.stringContaining("from tour-pathway.json"),
        file: "index.json",
        line: 2,
      },
    ]);
  });

  it("is the folder name when no pathway names the scenario", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-pathway/untitled-alone"));
    expect(scenario?.title).toBe("Untitled alone");
    expect(codes(diagnostics)).toEqual(["title-missing"]);
  });
});

describe("placeholders naming a host the image lacks", () => {
  it("inside plain fenced or <pre> code stay text, with a warning each", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-placeholders-in-code"));
    expect(scenario).toBeDefined();
    expect(diagnostics).toMatchObject([
      { severity: "warning", code: "directive-host-in-code", file: "step1.md", line: 4 },
      { severity: "warning", code: "directive-host-in-code", file: "step1.md", line: 8 },
    ]);
    const html = renderMarkdown(scenario!.steps[0]!.markdown, { hosts: ["host01"], portUrl: () => "/p" });
    expect(html).toContain("{{TRAFFIC_HOST2_4444}}/health");
    expect(html).toContain("[[HOST2_IP]]");
  });

  it("inside a clickable action are still an error, since the action cannot run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "circus-placeholder-"));
    made.push(dir);
    await writeFile(
      join(dir, "index.json"),
      JSON.stringify({
        title: "T",
        details: { steps: [{ title: "S", text: "s.md" }] },
        backend: { imageid: "ubuntu" },
      }),
    );
    await writeFile(join(dir, "s.md"), "```\nping -c1 [[HOST2_IP]]\n```{{execute}}\n");
    const { scenario, diagnostics } = await loadScenario(dir);
    expect(scenario).toBeUndefined();
    expect(diagnostics).toMatchObject([{ severity: "error", code: "directive-host", file: "s.md", line: 2 }]);
  });
});

describe("list fields given as a single value, and an asset file with a leading slash", () => {
  it("are read as lists and the asset relative to assets/, each with a warning", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-single-values"));
    expect(scenario?.editor).toEqual({ host: "host01", root: "/root", open: ["notes.txt"] });
    expect(scenario?.terminals.map((terminal) => terminal.title)).toEqual(["Terminal", "Second shell"]);
    expect(scenario?.ports).toEqual([]);
    expect(scenario?.assets).toEqual([{ host: "host01", source: "notes.txt", target: "~/", mode: "0644" }]);
    expect(diagnostics).toMatchObject([
      { code: "asset-file-absolute", message: expect.stringContaining("assets/notes.txt"), line: 6 },
      { code: "list-field-single", message: expect.stringContaining("environment.dashboards"), line: 11 },
      { code: "list-field-single", message: expect.stringContaining("environment.terminals"), line: 12 },
      { code: "list-field-single", message: expect.stringContaining('["notes.txt"]'), line: 14 },
    ]);
    expect(diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });

  it("names the missing asset once, without a doubled slash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "circus-asset-"));
    made.push(dir);
    await mkdir(join(dir, "assets"));
    await writeFile(
      join(dir, "index.json"),
      JSON.stringify({
        title: "T",
        details: { steps: [], assets: { host01: [{ file: "/gone.txt", target: "/tmp" }] } },
        backend: { imageid: "ubuntu" },
      }),
    );
    const { diagnostics } = await loadScenario(dir);
    const missing = diagnostics.find((d) => d.code === "asset-missing");
    expect(missing?.message).toContain("assets/gone.txt");
    expect(missing?.message).not.toContain("//");
  });
});

describe("scenario types and image ids", () => {
  it("a notebook scenario without steps says plainly that its type is not supported", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("killercoda-jupyter"));
    expect(scenario).toBeUndefined();
    expect(diagnostics).toMatchObject([
      {
        severity: "error",
        code: "scenario-type-unsupported",
        message: expect.stringContaining('"jupyter-notebook" scenario with no steps'),
        line: 4,
      },
    ]);
  });

  it("rhel8-cluster3 has three hosts, and terminals and actions name host2 and host3", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-rhel-cluster3"));
    expect(codes(diagnostics)).toEqual(["image-substituted"]);
    expect(scenario?.hosts.map((host) => host.name)).toEqual(["host01", "host02", "host03"]);
    expect(scenario?.terminals.slice(3)).toEqual([
      { id: "2", title: "Second", host: "host02" },
      { id: "3", title: "Third", host: "host03" },
    ]);
  });

  it("a suffixed Kubernetes id keeps node01, loads as Killercoda and says the cluster is unavailable", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("killercoda-kubernetes-variant"));
    expect(codes(diagnostics)).toEqual(["image-substituted"]);
    expect(scenario).toMatchObject({ format: "killercoda", unavailable: KUBERNETES_UNAVAILABLE });
    expect(scenario?.hosts.map((host) => host.name)).toEqual(["controlplane", "node01"]);
    expect(scenario?.assets).toEqual([{ host: "node01", source: "pod.yaml", target: "/root/" }]);
  });
});

describe("the format is named truthfully", () => {
  it.each([
    ["katacoda-complete", "katacoda"],
    ["katacoda-language-editor", "katacoda"],
    ["killercoda-complete", "killercoda"],
    ["killercoda-copy-and-verify", "killercoda"],
    ["native-complete", "circus"],
  ])("%s is %s", async (name, format) => {
    expect((await loadScenario(fixture(name))).scenario?.format).toBe(format);
  });
});

describe("the runnable language fixture", () => {
  it("runs on circus/languages with the editor in the tutorial folder", async () => {
    const { scenario, diagnostics } = await loadScenario(fixture("katacoda-language-editor"));
    expect(codes(diagnostics)).toEqual(["image-substituted"]);
    expect(scenario?.hosts).toMatchObject([{ name: "host01", image: "circus/languages" }]);
    expect(scenario?.editor?.root).toBe("/home/scrapbook/tutorial");
    expect(scenario?.assets).toEqual([{ host: "host01", source: "greet.sh", target: "/usr/local/bin/", mode: "0755" }]);
  });
});

describe("host and port placeholders in what the learner runs", () => {
  it("become the sandbox's own addresses in a clickable command, and preview links in the text", () => {
    const markdown = [
      "`curl -s [[HOST2_IP]]:80 https://[[HOST2_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/api`{{execute}}",
      "",
      "Open {{TRAFFIC_HOST1_3000}}/ui in the browser.",
    ].join("\n");
    const html = renderMarkdown(markdown, {
      hosts: ["host01", "host02"],
      portUrl: (host, port, path = "/") => `/preview/${host}/${port}${path}`,
    });
    expect(html).toContain("curl -s host02:80 http://host02:8080/api");
    expect(html).toContain('href="/preview/host01/3000/ui"');
    expect(resolveCommandPlaceholders("curl [[HOST_IP]] {{TRAFFIC_HOST2_8080}}/x", ["host01", "host02"])).toBe(
      "curl host01 http://host02:8080/x",
    );
  });

  it("resolve editor file names under the editor root", () => {
    const html = renderMarkdown('<pre class="file" data-filename="app.py" data-target="append">x = 1</pre>', {
      hosts: ["host01"],
      portUrl: () => "/p",
      editorRoot: "/home/scrapbook/tutorial",
    });
    expect(html).toContain('data-circus-path="/home/scrapbook/tutorial/app.py"');
    expect(editorFilePath("/etc/motd", "/root")).toBe("/etc/motd");
    expect(editorFilePath("./a/b.txt", "/root/")).toBe("/root/a/b.txt");
  });
});
