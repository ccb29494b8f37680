import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown";

const context = { hosts: ["node1"], portUrl: (host: string, port: number) => `/p/${host}/${port}` };

describe("renderMarkdown on pages over the limits", () => {
  it("shows a page nested 39,000 block quotes deep as escaped text, without parsing it", () => {
    const page = `${"> ".repeat(39_000)}<b>x</b>`;
    expect(renderMarkdown(page, context)).toBe(`<pre>${"&#62; ".repeat(39_000)}&#60;b&#62;x&#60;/b&#62;</pre>`);
  });

  it("shows a page over 256 KiB as escaped text", () => {
    const html = renderMarkdown(`# Big\n\n${"=~= ".repeat(70_000)}`, context);
    expect(html.startsWith("<pre># Big\n\n=~= =~=")).toBe(true);
  });

  it("renders a page just under the nesting limit as markdown", () => {
    const html = renderMarkdown(`${"> ".repeat(64)}deep`, context);
    expect(html.match(/<blockquote>/g)).toHaveLength(64);
  });

  it("takes only double tildes as strikethrough, so ~/paths in prose stay text", () => {
    expect(renderMarkdown("cd ~/a and ~/b, ~~old~~", context)).toBe("<p>cd ~/a and ~/b, <del>old</del></p>");
  });
});
