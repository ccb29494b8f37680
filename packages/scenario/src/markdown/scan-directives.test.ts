import { describe, expect, it } from "vitest";
import type { Action } from "../model";
import { scanDirectives } from "./scan-directives";

const FILE = "steps/01-start.md";
/** Pages in these tests start on line 10 of their file, as a page after front matter would. */
function scan(lines: string[], hosts: readonly string[] = ["node1", "node2"]) {
  return scanDirectives(lines.join("\n"), { file: FILE, line: 10, column: 1 }, { hosts });
}
function at(line: number, column: number) {
  return { file: FILE, line, column };
}
function action(fields: Partial<Action> & Pick<Action, "kind" | "text" | "source">): Action {
  return { interrupt: false, newline: true, controlSequence: false, inline: false, ...fields };
}

describe("scanDirectives: native fenced blocks", () => {
  it("reads exec, copy and open with every option, at the opening fence", () => {
    const result = scan([
      "Intro",
      "```bash exec",
      "ls -la",
      "```",
      "```exec",
      "whoami",
      "```",
      "```bash exec host=node2 terminal=2 interrupt no-newline",
      "top",
      "```",
      "~~~yaml copy",
      "a: 1",
      "b: 2",
      "~~~",
      "```yaml open path=/root/app.yaml",
      "kind: Pod",
      "```",
      '```bash exec path="/root/my dir"',
      "pwd",
      "```",
    ]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "ls -la", source: at(11, 1) }),
      action({ kind: "exec", text: "whoami", source: at(14, 1) }),
      action({
        kind: "exec",
        text: "top",
        host: "node2",
        terminal: "2",
        interrupt: true,
        newline: false,
        source: at(17, 1),
      }),
      action({ kind: "copy", text: "a: 1\nb: 2", source: at(20, 1) }),
      action({ kind: "open", text: "kind: Pod", path: "/root/app.yaml", source: at(24, 1) }),
      action({ kind: "exec", text: "pwd", path: "/root/my dir", source: at(27, 1) }),
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("finds blocks inside list items and block quotes, with their indentation removed", () => {
    const result = scan([
      "1. Start it:",
      "",
      "   ```bash exec",
      "   docker ps",
      "     -a",
      "   ```",
      "",
      "> ```sh exec",
      "> uptime",
      "> ```",
    ]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "docker ps\n  -a", source: at(12, 4) }),
      action({ kind: "exec", text: "uptime", source: at(17, 3) }),
    ]);
  });

  it("leaves a block without a keyword plain, and hidden roles alone", () => {
    const result = scan([
      "```bash",
      "ls",
      "```",
      "```bash setup",
      "apt-get update",
      "```",
      "```js title=app.js",
      "x()",
      "```",
    ]);
    expect(result.actions).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });

  it("warns about a misspelt keyword and leaves the block plain", () => {
    const result = scan(["```bash exce", "ls", "```"]);
    expect(result.actions).toEqual([]);
    expect(result.diagnostics).toMatchObject([
      {
        severity: "warning",
        code: "directive-typo",
        message: 'unknown code block keyword "exce": did you mean "exec"?',
        ...at(10, 1),
      },
    ]);
  });

  it("honours a keyword in the wrong case and warns", () => {
    const result = scan(["```bash EXEC", "ls", "```"]);
    expect(result.actions).toEqual([action({ kind: "exec", text: "ls", source: at(10, 1) })]);
    expect(result.diagnostics).toMatchObject([{ severity: "warning", code: "directive-case", ...at(10, 1) }]);
  });

  it("reports an open block without a path and unknown options", () => {
    const result = scan(["```yaml open", "a: 1", "```", "```bash exec hots=node2", "ls", "```"]);
    expect(result.diagnostics).toMatchObject([
      { severity: "error", code: "directive-missing-path", ...at(10, 1) },
      {
        severity: "warning",
        code: "directive-option",
        message: 'option "hots=node2" is not understood here',
        ...at(13, 1),
      },
    ]);
  });
});

describe("scanDirectives: KataCoda directives on inline code", () => {
  const cases: Array<[string, Partial<Action>]> = [
    ["{{execute}}", { kind: "exec" }],
    ["{{exec}}", { kind: "exec" }],
    ["{{copy}}", { kind: "copy" }],
    ["{{execute T2}}", { kind: "exec", terminal: "2" }],
    ["{{execute HOST2}}", { kind: "exec", host: "node2" }],
    ["{{execute interrupt}}", { kind: "exec", interrupt: true }],
    ["{{exec interrupt}}", { kind: "exec", interrupt: true }],
    ["{{execute interrupt T2}}", { kind: "exec", interrupt: true, terminal: "2" }],
    ["{{execute T2 interrupt}}", { kind: "exec", interrupt: true, terminal: "2" }],
    ["{{execute ctrl-seq}}", { kind: "exec", controlSequence: true }],
    ["{{execute no-newline}}", { kind: "exec", newline: false }],
    ["{{open}}", { kind: "open", path: "ls -la" }],
  ];
  it.each(cases)("`ls -la`%s", (directive, fields) => {
    const result = scan(["Some text", `Run \`ls -la\`${directive} now.`]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "ls -la", inline: true, source: at(11, 5), ...fields }),
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("reads {{}} as plain code, with no action and no warning", () => {
    const result = scan(["`ls`{{}}"]);
    expect(result).toEqual({ actions: [], portReferences: [], diagnostics: [] });
  });

  it("reports HOSTn beyond the declared hosts and gives the action no host", () => {
    const result = scan(["a `ls`{{execute HOST3}}"]);
    expect(result.actions).toEqual([action({ kind: "exec", text: "ls", inline: true, source: at(10, 3) })]);
    expect(result.diagnostics).toMatchObject([
      { severity: "error", code: "directive-host", message: "HOST3 but the scenario declares 2 hosts", ...at(10, 7) },
    ]);
  });

  it("reads code spans of several backticks, in tables and across lines", () => {
    const result = scan(["| cmd |", "| --- |", "| `` echo `x` ``{{execute}} |", "", "`kubectl", "get pods`{{exec}}"]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "echo `x`", inline: true, source: at(12, 3) }),
      action({ kind: "exec", text: "kubectl get pods", inline: true, source: at(14, 1) }),
    ]);
  });

  it("counts columns from the page's own start column on its first line only", () => {
    const result = scanDirectives("`a`{{copy}}\n`b`{{copy}}", { file: FILE, line: 3, column: 7 }, { hosts: ["node1"] });
    expect(result.actions.map((a) => a.source)).toEqual([at(3, 7), at(4, 1)]);
  });
});

describe("scanDirectives: KataCoda directives after fenced blocks", () => {
  it("reads a directive on the closing fence line", () => {
    const result = scan(["```", "kubectl get pods", "```{{execute T2 interrupt}}", "Then `date`{{exec}}"]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "kubectl get pods", terminal: "2", interrupt: true, source: at(10, 1) }),
      action({ kind: "exec", text: "date", inline: true, source: at(13, 6) }),
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("reads a directive on the line after the closing fence", () => {
    const result = scan(["```yaml", "a: 1", "```", "{{copy}}", "", "~~~", "vi app.yaml", "~~~ {{open}}"]);
    expect(result.actions).toEqual([
      action({ kind: "copy", text: "a: 1", source: at(10, 1) }),
      action({ kind: "open", text: "vi app.yaml", path: "vi app.yaml", source: at(15, 1) }),
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("warns when both an info keyword and a directive are given, and keeps the keyword", () => {
    const result = scan(["```bash copy", "ls", "```{{execute}}"]);
    expect(result.actions).toEqual([action({ kind: "copy", text: "ls", source: at(10, 1) })]);
    expect(result.diagnostics).toMatchObject([{ code: "directive-conflict", ...at(12, 4) }]);
  });

  it("warns about a directive that follows no code", () => {
    const result = scan(["```", "ls", "```", "", "{{execute}}"]);
    expect(result.actions).toEqual([]);
    expect(result.diagnostics).toMatchObject([{ severity: "warning", code: "directive-orphan", ...at(14, 1) }]);
  });
});

describe("scanDirectives: typos, case and templates", () => {
  it("warns about misspelt directives with a suggestion and the exact place", () => {
    const result = scan(["Run `ls`{{exeute}} and `a`{{cope}}", "```", "top", "```{{excute T2}}"]);
    expect(result.actions).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "directive-typo",
        message: "unknown directive {{exeute}}: did you mean {{execute}}?",
        ...at(10, 9),
      }),
      expect.objectContaining({
        severity: "warning",
        code: "directive-typo",
        message: "unknown directive {{cope}}: did you mean {{copy}}?",
        ...at(10, 27),
      }),
      expect.objectContaining({
        severity: "warning",
        code: "directive-typo",
        message: "unknown directive {{excute T2}}: did you mean {{execute T2}}?",
        ...at(13, 4),
      }),
    ]);
  });

  it("warns about a misspelt directive in prose too", () => {
    expect(scan(["Press {{exceute}} here"]).diagnostics).toMatchObject([{ code: "directive-typo", ...at(10, 7) }]);
  });

  it("honours {{EXEC}} and {{Execute}} and warns about the case", () => {
    const result = scan(["`a`{{EXEC}} `b`{{Execute t2}}"]);
    expect(result.actions).toEqual([
      action({ kind: "exec", text: "a", inline: true, source: at(10, 1) }),
      action({ kind: "exec", text: "b", inline: true, terminal: "2", source: at(10, 13) }),
    ]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "directive-case",
        message: "{{EXEC}} works, but directives are written {{exec}}",
        ...at(10, 4),
      }),
      expect.objectContaining({
        code: "directive-case",
        message: "{{Execute t2}} works, but directives are written {{execute T2}}",
        ...at(10, 16),
      }),
    ]);
  });

  it("leaves template syntax alone, silently, in prose, inline code and blocks", () => {
    const templates = [
      "{{ .Values.image.tag }}",
      "{{fmt}}",
      "{{ toYaml . | nindent 4 }}",
      "{{.}}",
      "{{ end }}",
      "{{else}}",
      "{{code}}",
      "{{exit}}",
      "{{#each items}}",
      "{{/if}}",
      "{{> partial}}",
      "{{ exeute }}",
      "{{ user.name | upper }}",
      "{{{raw}}}",
    ];
    const result = scan([
      ...templates.map((t) => `Text ${t} and \`x\`${t}`),
      "```yaml",
      "image: {{ .Values.image }}",
      "```{{ .Values.x }}",
      "```go-template",
      "{{ range .Items }}{{ .Name }}{{ end }}",
      "```",
    ]);
    expect(result).toEqual({ actions: [], portReferences: [], diagnostics: [] });
  });
});

describe("scanDirectives: KataCoda file blocks", () => {
  it("reads <pre class=file> with each target, decoding entities", () => {
    const result = scan([
      "Create it:",
      "",
      '<pre class="file" data-filename="app.js" data-target="replace">console.log(&quot;hi&quot;) &lt;3',
      "</pre>",
      '<pre class="file" data-filename="/root/a.txt" data-target="append">more</pre>',
      "",
      '<pre class="file" data-target="prepend" data-filename="b">x</pre>',
      "",
      '<pre class="file" data-filename="c">y</pre>',
      "",
      '<pre class="file" data-filename="d" data-target="overwrite">z</pre>',
      "",
      '<pre class="other" data-filename="e">not a file block</pre>',
    ]);
    const file = (text: string, path: string, fileMode: Action["fileMode"], line: number) =>
      action({ kind: "file", text, path, fileMode, source: at(line, 1) });
    expect(result.actions).toEqual([
      file('console.log("hi") <3\n', "app.js", "replace", 12),
      file("more", "/root/a.txt", "append", 14),
      file("x", "b", "prepend", 16),
      file("y", "c", "replace", 18),
      file("z", "d", "replace", 20),
    ]);
    expect(result.diagnostics).toMatchObject([{ severity: "warning", code: "file-target", ...at(20, 1) }]);
  });
});

describe("scanDirectives: port references", () => {
  it("finds every form of port link, with its place", () => {
    const result = scan([
      "Open [the app]({{port:node1:8080}}/status) or {{port:node2:3000}}.",
      "{{TRAFFIC_HOST1_80}} and [x]({{TRAFFIC_HOST2_8443}}) and {{TRAFFIC_SELECTOR}}",
      "https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/",
      "[y](https://[[HOST2_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/path)",
      "```",
      "curl {{port:node1:9090}}",
      "```",
    ]);
    expect(result.portReferences).toEqual([
      { host: "node1", port: 8080, source: at(10, 16) },
      { host: "node2", port: 3000, source: at(10, 47) },
      { host: "node1", port: 80, source: at(11, 1) },
      { host: "node2", port: 8443, source: at(11, 30) },
      { host: "node1", port: 80, source: at(12, 1) },
      { host: "node2", port: 8080, source: at(13, 5) },
      { host: "node1", port: 9090, source: at(15, 6) },
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("reports bad port numbers and hosts beyond the declared ones", () => {
    const result = scan([
      "{{port:node1:99999}} {{port:node1:0}} {{port:node1:http}}",
      "{{TRAFFIC_HOST3_80}} [[HOST3_IP]]",
    ]);
    expect(result.portReferences).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", code: "port-invalid", ...at(10, 1) }),
      expect.objectContaining({ severity: "error", code: "port-invalid", ...at(10, 22) }),
      expect.objectContaining({ severity: "error", code: "port-invalid", ...at(10, 39) }),
      expect.objectContaining({
        severity: "error",
        code: "directive-host",
        message: "HOST3 but the scenario declares 2 hosts",
        ...at(11, 1),
      }),
      expect.objectContaining({ severity: "error", code: "directive-host", ...at(11, 22) }),
    ]);
  });
});

describe("scanDirectives: robustness", () => {
  const megabyte = 1 << 20;
  const adversarial: Record<string, string> = {
    backticks: "`".repeat(megabyte),
    "alternating backtick runs": "`a``b".repeat(megabyte / 5),
    "open braces": "{{".repeat(megabyte / 2),
    "unclosed directives": "`a`{{execute ".repeat(megabyte / 13),
    "nested quotes": "> ".repeat(megabyte / 2),
    "nested lists": "- ".repeat(megabyte / 2),
    "link openers": "[a](".repeat(megabyte / 4),
    "an unclosed fence": `\`\`\`bash exec\n${"a\n".repeat(megabyte / 2)}`,
    "fence lines": "```\n".repeat(megabyte / 4),
    "unclosed pre blocks": '<pre class="file" data-filename="a">\n'.repeat(megabyte / 36),
    "port openers": "{{port:".repeat(megabyte / 7),
    "subdomain openers": "[[HOST_SUBDOMAIN]]-".repeat(megabyte / 19),
    backslashes: `${"\\".repeat(megabyte)}\``,
    "unbalanced info quotes": `\`\`\`bash exec ${'a="'.repeat(megabyte / 3)}`,
    binary: Array.from({ length: megabyte }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join(""),
  };
  it.each(Object.keys(adversarial))("returns for a megabyte of %s", (name) => {
    const started = performance.now();
    const result = scanDirectives(adversarial[name]!, { file: FILE, line: 1, column: 1 }, { hosts: ["node1"] });
    console.log(`scanDirectives, 1 MB of ${name}: ${(performance.now() - started).toFixed(0)} ms`);
    expect(Array.isArray(result.actions) && Array.isArray(result.diagnostics)).toBe(true);
  });

  it("still finds actions among a megabyte of noise", () => {
    const noise = "`a``b[{{x ".repeat(100_000);
    const result = scanDirectives(
      `${noise}\n\n\`ls\`{{execute}}`,
      { file: FILE, line: 1, column: 1 },
      { hosts: ["node1"] },
    );
    expect(result.actions).toEqual([action({ kind: "exec", text: "ls", inline: true, source: at(3, 1) })]);
  });

  it("returns an empty scan for input that is not a string", () => {
    expect(scanDirectives(undefined as unknown as string, { file: FILE, line: 1, column: 1 }, { hosts: [] })).toEqual({
      actions: [],
      portReferences: [],
      diagnostics: [],
    });
  });
});
