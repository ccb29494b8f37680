// Filter-evasion payloads in the style of OWASP's cheat sheet, written for this renderer. Each
// output is parsed back into a tree and checked element by element, never by searching strings.
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { describe, expect, it } from "vitest";
import { elementsOf } from "./file-blocks";
import { renderMarkdown } from "./render-markdown";

const FORBIDDEN_ELEMENTS = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "form",
  "base",
  "meta",
  "link",
  "svg",
  "math",
  "template",
  "textarea",
  "button",
  "select",
  "option",
  "noscript",
  "xmp",
  "param",
  "video",
  "audio",
  "source",
  "picture",
  "portal",
  "marquee",
  "isindex",
  "layer",
  "ilayer",
  "bgsound",
]);
const URL_PROPERTIES = [
  "href",
  "src",
  "cite",
  "longDesc",
  "action",
  "formAction",
  "poster",
  "background",
  "xLinkHref",
  "dynsrc",
  "lowsrc",
  "data",
  "codeBase",
  "srcSet",
  "ping",
  "manifest",
  "icon",
];

const vectors: string[] = [
  // Script elements in every casing and shape.
  "<script>alert(1)</script>",
  "<SCRIPT>alert(1)</SCRIPT>",
  "<ScRiPt>alert(1)</sCrIpT>",
  '<script src="https://evil.test/x.js"></script>',
  "<script/xss src=//evil.test/x.js></script>",
  "<<script>alert(1);//<</script>",
  "<script\n>alert(1)</script\n>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "Text before <script>alert(1)</script> inline",
  "<script>alert(1)",
  // Event handlers.
  "<img src=x onerror=alert(1)>",
  '<img src="x" ONERROR="alert(1)">',
  "<img src=x onerror\n=alert(1)>",
  "<img/src=x/onerror=alert(1)>",
  "<body onload=alert(1)>",
  '<div onmouseover="alert(1)">hover</div>',
  "<details open ontoggle=alert(1)><summary>x</summary></details>",
  "<a href=https://ok.test onclick=alert(1)>x</a>",
  '<p style="x" onpointerenter=alert(1)>x</p>',
  "<input autofocus onfocus=alert(1)>",
  '<video><source onerror="alert(1)"></video>',
  "<marquee onstart=alert(1)>x</marquee>",
  // javascript: and friends in href, with entity, whitespace and case tricks.
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="jav\tascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="&#1;javascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
  '<a href="livescript:alert(1)">x</a>',
  '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
  "<a href=javascript:alert(1)>x</a>",
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<img dynsrc="javascript:alert(1)" lowsrc="javascript:alert(1)">',
  '<img srcset="javascript:alert(1) 1x">',
  '<picture><source srcset="javascript:alert(1)"><img src="ok.png"></picture>',
  '<blockquote cite="javascript:alert(1)">x</blockquote>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  // Markdown links, images, references and autolinks.
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](javascript&#58;alert(1))",
  "[x](<javascript:alert(1)>)",
  "[x]( javascript:alert(1) )",
  '[x](javascript:alert(1) "title")',
  "[x](vbscript:msgbox(1))",
  "[x](data:text/html,<script>alert(1)</script>)",
  "![x](javascript:alert(1))",
  "![x](data:image/svg+xml,<svg/onload=alert(1)>)",
  "[x][ref]\n\n[ref]: javascript:alert(1)",
  "<javascript:alert(1)>",
  "<vbscript:msgbox(1)>",
  "www.example.com/javascript:alert(1)",
  "[a](https://ok.test)[b](javascript:alert(1))",
  "[`code`{{execute}}](javascript:alert(1))",
  // Elements that must never appear.
  '<iframe src="https://evil.test"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  "<style>body{background:url(javascript:alert(1))}</style>",
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<div style="width:expression(alert(1))">x</div>',
  "<textarea><script>alert(1)</script></textarea>",
  "<template><script>alert(1)</script></template>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  // SVG and MathML.
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
  "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  // DOM clobbering.
  '<form id="test"><input name="attributes"></form>',
  '<img name="getElementById" src="ok.png">',
  '<a id="location" href="https://ok.test">x</a>',
  '<img id="body" name="cookie">',
  // Comments, CDATA, unclosed and malformed markup.
  "<!-- <script>alert(1)</script> -->",
  "<!--><img src=x onerror=alert(1)>-->",
  "<![CDATA[<script>alert(1)</script>]]>",
  "<img src=x onerror=alert(1)//",
  '<a href="javascript:alert(1)',
  "<div><img src=x onerror=alert(1)",
  '<img """><script>alert(1)</script>">',
  "<IMG SRC=`javascript:alert(1)`>",
  "<img src=x:alert(alt) onerror=eval(src) alt=0>",
  '<a href="https://ok.test"\nonclick=alert(1)>x</a>',
  // Attributes injected through directives and placeholders.
  '`x`{{execute host=x" onclick="alert(1)}}',
  "`x`{{execute host=x' onmouseover='alert(1)}}",
  '`x`{{execute T2" onclick="alert(1)}}',
  '```bash exec host=x" onclick="alert(1)\nls\n```',
  '```bash open path=javascript:alert(1)"onclick="alert(1)\nls\n```',
  '```\nls\n```{{execute host=x"><script>alert(1)</script>}}',
  '<pre class="file" data-filename="x&quot; onclick=&quot;alert(1)" data-target="replace">x</pre>',
  '<pre class="file" data-filename="a" data-target="append" onclick="alert(1)">x</pre>',
  '<code data-circus-action="exec" onclick="alert(1)">rm -rf /</code>',
  '[x]({{port:node1:80}}/"onclick=alert(1))',
  '<a href="{{TRAFFIC_HOST1_80}}" onclick="alert(1)">x</a>',
];

const context = {
  hosts: ["node1", "node2"],
  portUrl: (host: string, port: number, path?: string) => `https://preview.test/${host}/${port}${path ?? "/"}`,
};

/** Whether a URL a browser would follow is http(s), mailto (links only), or relative. */
function isSafeUrl(value: string, allowMailto: boolean): boolean {
  // Browsers ignore leading/trailing control characters and spaces and tabs/newlines inside URLs.
  const cleaned = [...value]
    .filter((c) => c.charCodeAt(0) > 0x20)
    .join("")
    .toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(cleaned)?.[1];
  if (scheme === undefined) return !/^[^/?#]*:/.test(cleaned);
  return scheme === "http" || scheme === "https" || (allowMailto && scheme === "mailto");
}

function problemsOf(element: Element): string[] {
  const problems: string[] = [];
  if (FORBIDDEN_ELEMENTS.has(element.tagName)) problems.push(`<${element.tagName}>`);
  for (const [key, value] of Object.entries(element.properties)) {
    const lower = key.toLowerCase();
    if (lower.startsWith("on")) problems.push(`${element.tagName}.${key}`);
    if (lower === "style" || lower === "srcdoc" || lower === "srcset" || lower === "formaction")
      problems.push(`${element.tagName}.${key}`);
    if ((lower === "id" || lower === "name") && !String(value).startsWith("user-content-"))
      problems.push(`unprefixed ${key}=${value}`);
    if (lower.startsWith("datacircus") && element.tagName !== "pre" && element.tagName !== "code")
      problems.push(`${element.tagName}.${key}`);
    if (URL_PROPERTIES.some((name) => name.toLowerCase() === lower)) {
      const values = Array.isArray(value) ? value : [value];
      for (const url of values)
        if (!isSafeUrl(String(url), lower === "href")) problems.push(`${element.tagName}.${key}=${url}`);
    }
  }
  return problems;
}

describe("renderMarkdown: XSS corpus", () => {
  it("has a corpus of at least 60 vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(60);
  });

  it.each(vectors.map((vector, i) => [i + 1, vector]))("vector %i is rendered harmless: %s", (_, vector) => {
    for (const markdown of [vector, `Some text\n\n${vector}\n\nmore`, `> ${vector}`, `- ${vector}`]) {
      const html = renderMarkdown(markdown, context);
      const elements = elementsOf(fromHtml(html, { fragment: true }));
      expect(elements.flatMap(problemsOf), html).toEqual([]);
    }
  });

  it("the checker itself catches what it is meant to catch", () => {
    const unsafe =
      '<a href="java\tscript:x">a</a><img src="data:x" onerror="x" id="y"><script></script><pre data-circus-action="exec"></pre><b data-circus-action="exec"></b>';
    const problems = elementsOf(fromHtml(unsafe, { fragment: true })).flatMap(problemsOf);
    expect(problems).toEqual([
      "a.href=java\tscript:x",
      "img.src=data:x",
      "img.onError",
      "unprefixed id=y",
      "<script>",
      "b.dataCircusAction",
    ]);
  });

  it("keeps safe links, mailto and relative images", () => {
    const html = renderMarkdown(
      "[a](https://ok.test/x) [m](mailto:me@ok.test) ![i](./assets/arch.png) [r](../02-next.md)",
      context,
    );
    expect(html).toBe(
      '<p><a href="https://ok.test/x">a</a> <a href="mailto:me@ok.test">m</a> <img src="./assets/arch.png" alt="i"> <a href="../02-next.md">r</a></p>',
    );
  });

  it("keeps the action of a directive whose injected option is only text", () => {
    const html = renderMarkdown('`x`{{execute host=x" onclick="alert(1)}}', context);
    const code = elementsOf(fromHtml(html, { fragment: true })).find((e) => e.tagName === "code");
    expect(code?.properties).toEqual({
      dataCircusAction: "exec",
      dataCircusHost: 'x"',
      dataCircusInterrupt: "false",
      dataCircusNewline: "true",
    });
  });
});
