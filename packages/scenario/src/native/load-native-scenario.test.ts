import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../model";
import { loadNativeScenario } from "./load-native-scenario";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const at = (d: Diagnostic) => `${d.severity} ${d.code} ${d.file}:${d.line}:${d.column}`;

describe("loadNativeScenario on the complete fixture", async () => {
  const { scenario, diagnostics } = await loadNativeScenario(fixture("native-complete"));

  it("loads without any diagnostic", () => {
    expect(diagnostics).toEqual([]);
    expect(scenario).toBeDefined();
  });

  it("reads the scenario fields, with durations and memory sizes converted", () => {
    expect(scenario).toMatchObject({
      id: "native-complete",
      format: "circus",
      title: "Complete native scenario",
      description: "Uses every field and feature of the native format.",
      difficulty: "intermediate",
      durationMinutes: 90,
      tags: ["fixtures", "docker", "2025"],
      credits: 'Drawn from the talk "Circus internals"',
      network: true,
      layout: "editor-terminal",
      hideIntro: false,
      hideFinish: false,
    });
  });

  it("reads hosts with resources, capabilities and env, filling defaults", () => {
    expect(scenario?.hosts).toEqual([
      {
        name: "node1",
        image: "circus/base",
        cpus: 1.5,
        memoryMiB: 1024,
        pids: 256,
        diskMiB: 2048,
        capabilities: ["NET_ADMIN", "NET_RAW"],
        env: { APP_ENV: "training", DEBUG: "1" },
      },
      {
        name: "node2",
        image: "circus/web",
        cpus: 1,
        memoryMiB: 256,
        pids: 512,
        diskMiB: 2048,
        capabilities: [],
        env: {},
      },
    ]);
  });

  it("reads terminals (numbered when they have no id, string commands run by bash), ports, links and editor", () => {
    expect(scenario?.terminals).toEqual([
      { id: "1", title: "Shell", host: "node1" },
      { id: "logs", title: "Logs", host: "node2", command: ["bash", "-lc", "tail -f /var/log/app.log"] },
      { id: "top", title: "Top", host: "node1", command: ["top", "-d", "2"] },
    ]);
    expect(scenario?.ports).toEqual([
      { host: "node1", port: 8080, title: "App", path: "/status", tab: true },
      { host: "node2", port: 9090, title: "node2:9090", path: "/", tab: false },
    ]);
    expect(scenario?.links).toEqual([{ title: "Docs", href: "https://example.org/docs" }]);
    expect(scenario?.editor).toEqual({ host: "node1", root: "/root/app", open: ["/root/app/server.js"] });
  });

  it("expands asset globs into one asset per file, keeping the path below the glob's base", () => {
    expect(scenario?.assets).toEqual([
      { host: "node1", source: "app/lib/routes.js", target: "/root/app/lib/routes.js" },
      { host: "node1", source: "app/server.js", target: "/root/app/server.js" },
      { host: "node1", source: "bin/start.sh", target: "/usr/local/bin/start.sh", mode: "0755" },
      { host: "node2", source: "config.yaml", target: "~/config.yaml", mode: "644" },
    ]);
  });

  it("reads the intro from scenario.md's body, with its scripts from the files named in `intro:`", () => {
    expect(scenario?.intro).toEqual({
      title: "Complete native scenario",
      markdown:
        "Welcome! This scenario exercises **every** part of the native format.\n\n" +
        "When the app runs, [open it]({{port:node1:8080}}/status) or visit {{port:node2:9090}}.\n",
      source: { file: "scenario.md", line: 66, column: 1 },
      setup: {
        script: "mkdir -p /var/log && touch /var/log/app.log\n",
        timeoutSeconds: 60,
        source: { file: "intro-setup.sh", line: 1, column: 1 },
      },
      foreground: {
        script: "cd /root/app\n",
        timeoutSeconds: 60,
        source: { file: "intro-foreground.sh", line: 1, column: 1 },
      },
    });
  });

  it("reads the finish page and its setup", () => {
    expect(scenario?.finish).toEqual({
      title: "Finish",
      markdown: "# Well done\n\nYou started, configured and checked the app.\n",
      source: { file: "finish.md", line: 1, column: 1 },
      setup: {
        script: "pkill -f server.js || true\n",
        timeoutSeconds: 60,
        source: { file: "finish-setup.sh", line: 1, column: 1 },
      },
    });
  });

  it("takes hidden blocks out of a step, with their options and source lines", () => {
    const step = scenario?.steps[0];
    expect(step).toMatchObject({
      title: "Start the app",
      source: { file: "01-start-the-app.md", line: 3, column: 1 },
      setup: {
        script: "apt-get install -y curl >/dev/null",
        timeoutSeconds: 60,
        source: { file: "01-start-the-app.md", line: 6, column: 1 },
      },
      foreground: {
        script: "cd /root/app",
        timeoutSeconds: 60,
        source: { file: "01-start-the-app.md", line: 10, column: 1 },
      },
      verify: {
        script:
          'curl -sf node1:8080/status || { echo "The app does not answer on port 8080 yet: start it with node server.js"; exit 1; }',
        host: "node2",
        timeoutSeconds: 30,
        passOnDone: false,
        source: { file: "01-start-the-app.md", line: 52, column: 1 },
      },
      solve: {
        script: "cd /root/app && nohup node server.js >/var/log/app.log 2>&1 &",
        source: { file: "01-start-the-app.md", line: 56, column: 1 },
      },
      hint: "Run `node server.js` in `/root/app`.",
      quizzes: [],
    });
    expect(step?.markdown).not.toMatch(/setup|verify|solve|hint|# Start the app/);
  });

  it("keeps clickable blocks, KataCoda directives and port links, each still at its file line", () => {
    const step = scenario!.steps[0]!;
    const lines = step.markdown.split("\n");
    const fileLine = (text: string) => step.source.line + lines.indexOf(text);
    expect(fileLine("```bash exec")).toBe(15);
    expect(fileLine("```bash exec host=node2 terminal=logs interrupt no-newline")).toBe(21);
    expect(fileLine("```yaml copy")).toBe(27);
    expect(fileLine("```js open path=/root/app/server.js")).toBe(33);
    expect(fileLine("```{{execute T2}}")).toBe(47);
    expect(fileLine("Then [check the status]({{port:node1:8080}}/status).")).toBe(49);
    expect(lines[0]).toBe("Look around first: `ls /root/app`{{execute}} and `cat config.yaml`{{copy}}.");
  });

  it("reads a step's scripts and hint from sidecar files, with `verify:` settings from its front matter", () => {
    expect(scenario?.steps[1]).toEqual({
      title: "Configure the app",
      markdown:
        "Edit `~/config.yaml` on node2 and set `port: 9090`.\n\n```bash exec host=node2\ngrep port ~/config.yaml\n```\n",
      source: { file: "02-configure.md", line: 8, column: 1 },
      setup: {
        script: "cp ~/config.yaml ~/config.yaml.orig\n",
        timeoutSeconds: 60,
        source: { file: "02-configure.setup.sh", line: 1, column: 1 },
      },
      foreground: {
        script: "cd ~\n",
        timeoutSeconds: 60,
        source: { file: "02-configure.foreground.sh", line: 1, column: 1 },
      },
      verify: {
        script:
          "grep -q '^port: 9090$' ~/config.yaml || { echo \"config.yaml does not say port: 9090 yet\"; exit 1; }\n",
        host: "node2",
        timeoutSeconds: 45,
        passOnDone: false,
        source: { file: "02-configure.verify.sh", line: 1, column: 1 },
      },
      solve: {
        script: "sed -i 's/^port: .*/port: 9090/' ~/config.yaml\n",
        timeoutSeconds: 60,
        source: { file: "02-configure.solve.sh", line: 1, column: 1 },
      },
      hint: "Open the file with `nano ~/config.yaml`.\n",
      quizzes: [],
    });
  });

  it("reads all three quiz types into a quiz-only step", () => {
    const step = scenario?.steps[2];
    expect(step?.title).toBe("Check yourself");
    expect(step?.markdown).toBe("");
    expect(step?.quizzes).toEqual([
      {
        kind: "single",
        id: "step3-q1",
        question: "Which host runs the app?",
        choices: [
          { text: "node1", correct: true },
          { text: "node2", correct: false },
        ],
        source: { file: "03-check-yourself.md", line: 5, column: 1 },
      },
      {
        kind: "multiple",
        id: "step3-q2",
        question: "Which ports does the scenario publish?",
        choices: [
          { text: "8080", correct: true },
          { text: "9090", correct: true },
          { text: "22", correct: false },
        ],
        source: { file: "03-check-yourself.md", line: 13, column: 1 },
      },
      {
        kind: "text",
        id: "step3-q3",
        question: "Which command starts the server?",
        match: "exact",
        answer: "node server.js",
        caseSensitive: false,
        source: { file: "03-check-yourself.md", line: 22, column: 1 },
      },
      {
        kind: "text",
        id: "step3-q4",
        question: "Name the config file's format.",
        match: "pattern",
        answer: "^ya?ml$",
        caseSensitive: true,
        source: { file: "03-check-yourself.md", line: 28, column: 1 },
      },
    ]);
  });
});

describe("loadNativeScenario on broken fixtures", () => {
  it("reports a YAML syntax error at its line in scenario.md", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-bad-yaml"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map(at)).toEqual(["error yaml-invalid scenario.md:4:1"]);
    expect(diagnostics[0]?.fix).toMatch(/indentation/);
  });

  it("warns about unknown fields at their key, suggests the close one, and still loads", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-unknown-field"));
    expect(scenario?.title).toBe("Unknown fields");
    expect(scenario?.steps[0]?.title).toBe("The only step");
    expect(diagnostics.map((d) => [at(d), d.message, d.fix])).toEqual([
      [
        "warning unknown-field scenario.md:7:5",
        "unknown field `hosts[0].memroy` is ignored",
        "did you mean `memory`? Otherwise remove it",
      ],
      [
        "warning unknown-field scenario.md:3:1",
        "unknown field `durations` is ignored",
        "did you mean `duration`? Otherwise remove it",
      ],
      [
        "warning unknown-field scenario.md:8:1",
        "unknown field `favourite_colour` is ignored",
        expect.stringMatching(/^remove it; the fields here are: title, description, /),
      ],
      [
        "warning unknown-field 01-only.md:2:1",
        "unknown field `titel` is ignored",
        "did you mean `title`? Otherwise remove it",
      ],
    ]);
  });

  it("reports a missing title", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-missing-title"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map((d) => [at(d), d.message, d.fix])).toEqual([
      [
        "error field-missing scenario.md:2:1",
        "`title` is missing",
        'add `title:` with a title such as "Kubernetes basics"',
      ],
    ]);
  });

  it("names each mistyped field and its expected form", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-wrong-types"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map((d) => [at(d), d.message])).toEqual([
      ["error field-invalid scenario.md:3:13", "`difficulty` must be one of beginner, intermediate, advanced"],
      [
        "error field-invalid scenario.md:4:11",
        '`duration` must be a number of minutes, or a text like "15m" or "1h30m"',
      ],
      [
        "error field-invalid scenario.md:7:11",
        '`hosts[0].name` must be a host name: lowercase letters, digits and dashes, starting with a letter (e.g. "node1")',
      ],
      [
        "error field-invalid scenario.md:8:13",
        '`hosts[0].memory` must be a size like "512m" or "1g", or a number of MiB',
      ],
      ["error field-invalid scenario.md:5:10", "`network` must be true or false"],
      ["error field-invalid scenario.md:11:11", "`ports[0].port` must be a port number from 1 to 65535"],
      [
        "error field-invalid scenario.md:14:13",
        '`assets[0].target` must be an absolute path such as "/root/app/", or one starting with "~"',
      ],
    ]);
    expect(diagnostics[0]?.fix).toBe("change `difficulty` to one of beginner, intermediate, advanced");
  });

  it("reports values out of the model's range at the field the author wrote, in the author's units", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-out-of-range"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map((d) => [at(d), d.message])).toEqual([
      [
        "error scenario-invalid scenario.md:3:11",
        "`duration` is out of range: Too big: expected number to be <=1440 (in minutes)",
      ],
      [
        "error scenario-invalid scenario.md:6:11",
        "`hosts[0].cpus` is out of range: Too big: expected number to be <=8",
      ],
      [
        "error scenario-invalid scenario.md:7:13",
        "`hosts[0].memory` is out of range: Too big: expected number to be <=8192 (in MiB)",
      ],
    ]);
  });

  it("reports misnumbered steps and stray files", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-step-order"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map(at)).toEqual([
      "warning sidecar-unknown-role 03-third.check.sh:1:1",
      "warning not-a-step notes.md:1:1",
      "error step-number-duplicate 01-first.md:1:1",
      "warning step-number-gap 3-third.md:1:1",
      "warning step-number-padding 3-third.md:1:1",
      "warning sidecar-orphan 05-missing.verify.sh:1:1",
    ]);
  });

  it("reports asset globs that match nothing and undeclared asset hosts", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-asset-no-match"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map((d) => [at(d), d.message])).toEqual([
      ["error unknown-host scenario.md:9:11", 'host "node9" is not declared under `hosts`'],
      ["error asset-no-match scenario.md:4:13", 'asset source "*.conf" matches no file in assets/'],
      ["error asset-no-match scenario.md:6:13", 'asset source "data/**" matches no file in assets/'],
    ]);
  });

  it("reports block/sidecar conflicts, duplicate roles, bad options and bad quizzes", async () => {
    const { scenario, diagnostics } = await loadNativeScenario(fixture("broken-native-step-blocks"));
    expect(scenario).toBeUndefined();
    expect(diagnostics.map(at)).toEqual([
      "error step-role-conflict 01-conflicts.md:3:1",
      "error step-role-duplicate 01-conflicts.md:11:1",
      "warning block-option-unknown 01-conflicts.md:15:1",
      "warning step-empty 01-conflicts.md:1:1",
      "error quiz-correct-count 02-bad-quizzes.md:6:1",
      "error quiz-choice-unmarked 02-bad-quizzes.md:15:5",
      "error quiz-answer-missing 02-bad-quizzes.md:18:1",
      "error yaml-invalid 02-bad-quizzes.md:24:19",
    ]);
  });
});

describe("loadNativeScenario host references in steps", () => {
  async function loadWith(scenarioMd: string): Promise<Diagnostic[]> {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "circus-hosts-"));
    try {
      await writeFile(join(dir, "scenario.md"), scenarioMd);
      await writeFile(join(dir, "01-a.md"), "# A\n\nText.\n\n```bash verify host=node2\ntrue\n```\n");
      return (await loadNativeScenario(dir)).diagnostics;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("reports a block that names an undeclared host", async () => {
    const diagnostics = await loadWith("---\ntitle: A\n---\n");
    expect(diagnostics.map((d) => [at(d), d.fix])).toEqual([["error unknown-host 01-a.md:5:1", "use one of: node1"]]);
  });

  it("does not guess at hosts when scenario.md's front matter is broken", async () => {
    const diagnostics = await loadWith("---\ntitle: A\nhosts: [{name: node1}, {name: node2}\n---\n");
    expect(diagnostics.map(at)).toEqual(["error yaml-invalid scenario.md:3:37"]);
  });
});
