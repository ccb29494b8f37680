import { describe, expect, it } from "vitest";
import { type RenderContext, renderMarkdown } from "./render-markdown";
import { scanDirectives } from "./scan-directives";

const context: RenderContext = {
  hosts: ["node1", "node2"],
  portUrl: (host, port, path) => `https://preview.test/${host}/${port}${path ?? "/"}`,
};
function render(lines: string[], overrides: Partial<RenderContext> = {}): string {
  return renderMarkdown(lines.join("\n"), { ...context, ...overrides });
}

describe("renderMarkdown: actions", () => {
  it("turns a native exec block into a pre the web app can wire up", () => {
    expect(render(["```bash exec host=node2 terminal=2 interrupt no-newline", "top", "```"])).toBe(
      '<pre data-circus-action="exec" data-circus-host="node2" data-circus-terminal="2" data-circus-interrupt="true" data-circus-newline="false"><code class="language-bash">top\n</code></pre>',
    );
  });

  it("drops the keyword from the language, and marks copy and open blocks", () => {
    expect(render(["```exec", "ls", "```"])).toBe(
      '<pre data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true"><code>ls\n</code></pre>',
    );
    expect(render(["```yaml copy", "a: 1", "```"])).toBe(
      '<pre data-circus-action="copy"><code class="language-yaml">a: 1\n</code></pre>',
    );
    expect(render(["```yaml open path=/root/app.yaml", "a: 1", "```"])).toBe(
      '<pre data-circus-action="open" data-circus-path="/root/app.yaml"><code class="language-yaml">a: 1\n</code></pre>',
    );
  });

  it("marks inline code by its KataCoda directive and removes the directive text", () => {
    const html = render([
      "Run `ls`{{execute}}, `top`{{execute T2 interrupt}}, `^C`{{execute ctrl-seq}}, `w`{{execute HOST2 no-newline}},",
      "copy `a`{{copy}}, open `app.yaml`{{open}}, and see `plain`{{}}.",
    ]);
    expect(html).toBe(
      [
        '<p>Run <code data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true">ls</code>,',
        ' <code data-circus-action="exec" data-circus-terminal="2" data-circus-interrupt="true" data-circus-newline="true">top</code>,',
        ' <code data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true" data-circus-control-sequence="true">^C</code>,',
        ' <code data-circus-action="exec" data-circus-host="node2" data-circus-interrupt="false" data-circus-newline="false">w</code>,\n',
        'copy <code data-circus-action="copy">a</code>, open <code data-circus-action="open" data-circus-path="app.yaml">app.yaml</code>,',
        " and see <code>plain</code>.</p>",
      ].join(""),
    );
    expect(html).not.toContain("{{");
  });

  it("closes a KataCoda fence that carries its directive, so the rest of the page still renders", () => {
    const html = render(["```", "kubectl get pods", "```{{execute T2}}", "", "Next **step**."]);
    expect(html).toBe(
      '<pre data-circus-action="exec" data-circus-terminal="2" data-circus-interrupt="false" data-circus-newline="true"><code>kubectl get pods\n</code></pre>\n<p>Next <strong>step</strong>.</p>',
    );
  });

  it("takes a directive on the line after a fence out of the text, keeping what follows it", () => {
    expect(render(["```", "a: 1", "```", "{{copy}}", "", "Done."])).toBe(
      '<pre data-circus-action="copy"><code>a: 1\n</code></pre>\n<p>Done.</p>',
    );
    expect(render(["```", "ls", "```", "{{exec}}", "More text."])).toBe(
      '<pre data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true"><code>ls\n</code></pre>\n<p>More text.</p>',
    );
  });

  it("leaves typos and template syntax as text", () => {
    expect(render(["`ls`{{exeute}} and {{ .Values.x }}"])).toBe("<p><code>ls</code>{{exeute}} and {{ .Values.x }}</p>");
  });

  it("renders an action with an unknown HOSTn as plain code", () => {
    expect(render(["`ls`{{execute HOST3}}"])).toBe("<p><code>ls</code></p>");
  });

  it("turns KataCoda file blocks into file actions", () => {
    expect(render(['<pre class="file" data-filename="app.js" data-target="append">let a = 1 &lt; 2;</pre>'])).toBe(
      '<pre data-circus-action="file" data-circus-path="app.js" data-circus-file-mode="append"><code>let a = 1 &#x3C; 2;</code></pre>',
    );
  });

  it("drops data-circus attributes written by hand in raw HTML", () => {
    const html = render([
      '<pre data-circus-action="exec"><code data-circus-action="exec" data-circus-site="x:0">rm -rf /</code></pre>',
    ]);
    expect(html).toBe("<pre><code>rm -rf /</code></pre>");
  });

  it("marks exactly the actions the scanner finds", () => {
    const page = [
      "`a`{{execute}} `b`{{copy}} `c`{{}} `d`{{exeute}} `e`{{open}}",
      "```bash exec",
      "x",
      "```",
      "```",
      "y",
      "```{{execute T2}}",
      "```",
      "z",
      "```",
      "{{copy}}",
      "",
      '<pre class="file" data-filename="f">w</pre>',
    ].join("\n");
    const html = renderMarkdown(page, context);
    const scan = scanDirectives(page, { file: "p.md", line: 1, column: 1 }, { hosts: context.hosts });
    expect(html.match(/data-circus-action="(\w+)"/g)?.map((m) => m.slice(20, -1))).toEqual(
      scan.actions.map((a) => a.kind),
    );
  });
});

describe("renderMarkdown: placeholders", () => {
  it("resolves port placeholders in link targets and in text", () => {
    const html = render([
      "[app]({{port:node1:8080}}/status) [b]({{TRAFFIC_HOST2_80}}) [ports]({{TRAFFIC_SELECTOR}})",
      "[kc](https://[[HOST2_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/api)",
      "See {{port:node2:3000}}/x.",
    ]);
    expect(html).toBe(
      [
        '<p><a href="https://preview.test/node1/8080/status">app</a> <a href="https://preview.test/node2/80/">b</a> <a href="#ports">ports</a>',
        '<a href="https://preview.test/node2/8080/api">kc</a>',
        'See <a href="https://preview.test/node2/3000/x">https://preview.test/node2/3000/x</a>.</p>',
      ].join("\n"),
    );
  });

  it("uses the given selector URL and resolves placeholders in raw HTML", () => {
    expect(
      render(['<a href="{{TRAFFIC_SELECTOR}}">ports</a> <a href="{{TRAFFIC_HOST1_80}}">app</a>'], {
        selectorUrl: "/env/ports",
      }),
    ).toBe('<p><a href="/env/ports">ports</a> <a href="https://preview.test/node1/80/">app</a></p>');
  });

  it("resolves host addresses to host names, in text and in code", () => {
    expect(render(["Ping [[HOST2_IP]]: `ping [[HOST_IP]]`{{execute}}"])).toBe(
      '<p>Ping node2: <code data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true">ping node1</code></p>',
    );
  });

  it("leaves placeholders for undeclared hosts as text", () => {
    expect(render(["{{TRAFFIC_HOST3_80}} [[HOST3_IP]]"])).toBe("<p>{{TRAFFIC_HOST3_80}} [[HOST3_IP]]</p>");
  });
});

describe("renderMarkdown: GitHub-flavoured markdown", () => {
  it("keeps details and summary, tables, task lists and strikethrough", () => {
    const html = render([
      "<details><summary>Solution</summary>",
      "",
      "`kubectl apply -f app.yaml`{{execute}}",
      "",
      "</details>",
      "",
      "| a | b |",
      "| - | - |",
      "| ~~c~~ | d |",
      "",
      "- [x] done",
    ]);
    expect(html).toContain("<details><summary>Solution</summary>");
    expect(html).toContain(
      '<code data-circus-action="exec" data-circus-interrupt="false" data-circus-newline="true">kubectl apply -f app.yaml</code>',
    );
    expect(html).toContain("<td><del>c</del></td>");
    expect(html).toContain('<input type="checkbox" checked disabled>');
  });

  it("prefixes ids once, so footnote links still match their targets", () => {
    const html = render(["Text[^1]", "", "[^1]: Note"]);
    expect(html).toContain('href="#user-content-fn-1" id="user-content-fnref-1"');
    expect(html).toContain('<li id="user-content-fn-1">');
  });
});
