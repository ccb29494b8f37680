import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultImageMap } from "./image-map";
import { loadKatacodaScenario } from "./load-katacoda-scenario";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const load = (name: string) => loadKatacodaScenario(fixture(name), { imageMap: defaultImageMap });

describe("loadKatacodaScenario on a complete KataCoda scenario", () => {
  it("reads the catalogue fields", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario).toMatchObject({
      id: "katacoda-complete",
      format: "katacoda",
      title: "Complete KataCoda scenario",
      description: "Uses every index.json field Circus reads.",
      difficulty: "beginner",
      durationMinutes: 20,
      layout: "editor-terminal",
      uiMessage: "Your environment is starting.",
      hideIntro: false,
      hideFinish: true,
    });
  });

  it("reports unknown and unsupported keys at their exact position, and the substituted image", async () => {
    const { diagnostics } = await load("katacoda-complete");
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        code: "unknown-key",
        message: "details.steps[1].verfy is not a key Circus knows in index.json; it is ignored",
        fix: 'did you mean "verify"?',
        file: "index.json",
        line: 26,
        column: 9,
      },
      {
        severity: "warning",
        code: "unsupported-key",
        message:
          "environment.hidesidebar is a KataCoda option Circus does not support (Circus always shows the instructions); it is ignored",
        fix: 'remove "hidesidebar"',
        file: "index.json",
        line: 68,
        column: 5,
      },
      {
        severity: "warning",
        code: "unknown-key",
        message: "sparkles is not a key Circus knows in index.json; it is ignored",
        fix: 'remove "sparkles" or check its spelling',
        file: "index.json",
        line: 74,
        column: 3,
      },
      expect.objectContaining({
        severity: "warning",
        code: "image-substituted",
        file: "index.json",
        line: 71,
        column: 16,
      }),
    ]);
  });

  it("maps the image to two hosts, with a terminal per host and the declared terminals after them", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario?.hosts.map(({ name, image }) => ({ name, image }))).toEqual([
      { name: "controlplane", image: "circus/base" },
      { name: "node01", image: "circus/base" },
    ]);
    expect(scenario?.terminals).toEqual([
      { id: "1", title: "Terminal", host: "controlplane" },
      { id: "node01", title: "node01", host: "node01" },
      { id: "2", title: "Logs", host: "controlplane", command: ["bash", "-lc", "tail -f /var/log/app.log"] },
      { id: "3", title: "Node 2", host: "node01" },
    ]);
  });

  it("turns dashboards into ports (port or traffic URL) and links (href)", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario?.ports).toEqual([
      { host: "controlplane", port: 3000, title: "App", path: "/", tab: true },
      { host: "node01", port: 8080, title: "Status", path: "/status", tab: true },
      { host: "controlplane", port: 9090, title: "Metrics", path: "/metrics", tab: true },
    ]);
    expect(scenario?.links).toEqual([{ title: "Docs", href: "https://example.com/docs" }]);
    expect(scenario?.editor).toEqual({ host: "controlplane", root: "/root/app", open: ["app.js", "config/app.yaml"] });
  });

  it("expands asset globs and folders, sends client assets to the first host, and converts chmod", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario?.assets).toEqual([
      { host: "controlplane", source: "app.js", target: "~/" },
      { host: "controlplane", source: "scripts/start.sh", target: "/usr/local/bin/", mode: "0755" },
      { host: "controlplane", source: "scripts/stop.sh", target: "/usr/local/bin/", mode: "0755" },
      { host: "controlplane", source: "config/app.yaml", target: "~/config/", mode: "0644" },
      { host: "controlplane", source: "config/env/prod.yaml", target: "~/config/env/", mode: "0644" },
      { host: "node01", source: "node2.txt", target: "/opt/data/", mode: "0600" },
    ]);
  });

  it("reads courseData as setup and code as foreground, with their files as sources", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario?.intro).toEqual({
      title: "Welcome",
      markdown: await readFile(`${fixture("katacoda-complete")}/intro.md`, "utf8"),
      source: { file: "intro.md", line: 1, column: 1 },
      setup: {
        script: '#!/bin/bash\nmkdir -p /root/app\necho "intro setup finished" > /root/app/setup.log\n',
        timeoutSeconds: 60,
        source: { file: "intro-background.sh", line: 1, column: 1 },
      },
      foreground: {
        script: "cd /root/app\n",
        timeoutSeconds: 60,
        source: { file: "intro-foreground.sh", line: 1, column: 1 },
      },
    });
    const step = scenario?.steps[0];
    expect(step?.title).toBe("Run commands");
    expect(step?.markdown).toBe(await readFile(`${fixture("katacoda-complete")}/step1.md`, "utf8"));
    expect(step?.setup?.source).toEqual({ file: "step1-background.sh", line: 1, column: 1 });
    expect(step?.foreground?.script).toBe('clear\necho "Step 1"\n');
    expect(step?.verify).toEqual({
      script: "#!/bin/bash\ntest -f /root/app/hello.txt && echo done\n",
      timeoutSeconds: 60,
      passOnDone: true,
      source: { file: "step1-verify.sh", line: 1, column: 1 },
    });
    expect(step?.hint).toBe("Click the first command in the text: it writes `/root/app/hello.txt`.\n");
  });

  it("moves markdown quizzes into the step and keeps the remaining lines where they were", async () => {
    const { scenario } = await load("katacoda-complete");
    const step = scenario?.steps[1];
    expect(step?.quizzes.map((quiz) => [quiz.kind, quiz.id, quiz.source.line])).toEqual([
      ["text", "Q1", 3],
      ["text", "Q2", 6],
      ["multiple", "Q3", 9],
      ["single", "Q4", 14],
    ]);
    expect(step?.quizzes[1]).toMatchObject({ match: "pattern", answer: "^web-[a-z0-9]+$" });
    const lines = step?.markdown.split("\n") ?? [];
    expect(lines[0]).toBe("Answer these questions.");
    expect(lines[18]).toBe("When you are done, run `echo finished`{{execute}}.");
    expect(step?.markdown).not.toContain(">>");
  });

  it("turns a step's answer into an exact text quiz and keeps an inline hint as text", async () => {
    const { scenario } = await load("katacoda-complete");
    expect(scenario?.steps[2]?.quizzes).toEqual([
      {
        kind: "text",
        id: "answer",
        question: "Name the tool",
        match: "exact",
        answer: "kubectl",
        caseSensitive: false,
        source: { file: "index.json", line: 31, column: 19 },
      },
    ]);
    expect(scenario?.steps[2]?.hint).toBe("It starts with kube and talks to the API server.");
    expect(scenario?.finish).toMatchObject({ title: "Well done", source: { file: "finish.md", line: 1, column: 1 } });
  });
});

describe("loadKatacodaScenario on a complete Killercoda scenario", () => {
  it("reads background/foreground/verify files and the two-node host names", async () => {
    const { scenario, diagnostics } = await load("killercoda-complete");
    expect(diagnostics.map((d) => d.code)).toEqual(["image-substituted"]);
    expect(scenario).toMatchObject({ difficulty: "intermediate", durationMinutes: 60, layout: "ide" });
    expect(scenario?.hosts.map((host) => host.name)).toEqual(["controlplane", "node01"]);
    expect(scenario?.terminals).toEqual([
      { id: "1", title: "Terminal", host: "controlplane" },
      { id: "node01", title: "node01", host: "node01" },
    ]);
    expect(scenario?.intro).toMatchObject({
      title: "Introduction",
      setup: { source: { file: "setup.sh", line: 1, column: 1 } },
      foreground: { script: "kubectl get nodes\n" },
    });
    const [create, remove] = scenario?.steps ?? [];
    expect(create?.setup?.source.file).toBe("step1/background.sh");
    expect(create?.foreground?.source.file).toBe("step1/foreground.sh");
    expect(create?.verify).toMatchObject({ source: { file: "step1/verify.sh", line: 1, column: 1 }, passOnDone: true });
    expect(create?.verify?.script).toContain("exit 1");
    expect(remove?.hint).toBe("Use `kubectl delete pod <name>`.\n");
    expect(scenario?.finish.title).toBe("Finish");
  });

  it("sends host01 assets to the first node and node01 assets by name, a folder keeping its name", async () => {
    const { scenario } = await load("killercoda-complete");
    expect(scenario?.assets).toEqual([
      { host: "controlplane", source: "manifests/pod.yaml", target: "/root/manifests/" },
      { host: "node01", source: "manifests/pod.yaml", target: "/opt/manifests/" },
    ]);
    expect(scenario?.editor).toEqual({ host: "controlplane", root: "/root", open: [] });
  });
});

describe("loadKatacodaScenario on broken scenarios", () => {
  it("reports invalid JSON at its line and column, with a fix", async () => {
    expect(await load("broken-katacoda-invalid-json")).toEqual({
      diagnostics: [
        {
          severity: "error",
          code: "index-json-invalid",
          message: "index.json is not valid JSON: a comma is missing before this value (CommaExpected)",
          fix: "add a comma at the end of the previous line",
          file: "index.json",
          line: 3,
          column: 3,
        },
      ],
    });
  });

  it("names the step and the file that does not exist", async () => {
    expect(await load("broken-katacoda-missing-step-file")).toEqual({
      diagnostics: [
        {
          severity: "error",
          code: "file-missing",
          message: 'step 2 ("Absent"): details.steps[1].text names step2.md, which does not exist',
          fix: "create step2.md in the scenario folder or correct details.steps[1].text",
          file: "index.json",
          line: 6,
          column: 36,
        },
      ],
    });
  });

  it("falls back to circus/base with host01 for an unknown image and says where to map it", async () => {
    const { scenario, diagnostics } = await load("broken-katacoda-unknown-image");
    expect(scenario?.hosts.map(({ name, image }) => ({ name, image }))).toEqual([
      { name: "host01", image: "circus/base" },
    ]);
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        code: "image-unknown",
        message: 'backend.imageid "Acme-Lab:3" is not in the image map; Circus uses circus/base with one host, host01',
        fix: 'map it in the `imageMap` option of loadScenario (start from `defaultImageMap` in packages/scenario/src/katacoda/image-map.ts): "acme-lab:3": { image: "<circus image>", hosts: ["host01", ...] }',
        file: "index.json",
        line: 6,
        column: 27,
      },
    ]);
  });

  it("reports a quiz without a correct choice and a bad pattern in the step file", async () => {
    const { scenario, diagnostics } = await load("broken-katacoda-bad-quiz");
    expect(scenario).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "quiz-no-correct-choice",
        file: "step1.md",
        line: 3,
        column: 1,
      }),
      expect.objectContaining({
        severity: "error",
        code: "quiz-bad-pattern",
        message: "quiz Q2: the pattern /^(app|web\\.log$/ is not a valid regular expression: Unterminated group",
        file: "step1.md",
        line: 8,
        column: 5,
      }),
    ]);
  });
});
