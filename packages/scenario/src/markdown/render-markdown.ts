// Renders a page's markdown (GitHub-flavoured, with Circus and KataCoda actions) to safe HTML whose
// clickable code carries data-circus-* attributes, so the web app wires actions without re-parsing.
import type { Root as HastRoot } from "hast";
import type { Root as MdastRoot } from "mdast";
import rehypeRaw from "rehype-raw";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { ActionSites } from "./action-sites";
import { applyActionAttributes } from "./apply-action-attributes";
import { attachActions } from "./attach-actions";
import { readMarkdownBlocks, splitLines } from "./markdown-blocks";
import { findPageLimitBreach } from "./page-limits";
import { sanitizeSchema } from "./sanitize-schema";

export interface RenderContext {
  /** The scenario's host names in order: `HOSTn` and `[[HOSTn_IP]]` mean `hosts[n - 1]`. */
  hosts: readonly string[];
  /** The URL of a host's port preview; `path` is what followed the placeholder, e.g. "/status". */
  portUrl: (host: string, port: number, path?: string) => string;
  /** Where `{{TRAFFIC_SELECTOR}}` points. Default: "#ports". */
  selectorUrl?: string;
  /**
   * The editor's root folder: file names of `{{open}}` and `<pre class="file">` become absolute under it
   * ("app.py" -> "/root/app.py"), as the player's editor needs. Unset: names stay as written.
   */
  editorRoot?: string;
}

/**
 * Renders one page. Raw HTML passes only through the sanitizer. Never throws: a page over the loader's
 * limits (`page-too-large`, `nesting-too-deep`) is never parsed, and it or a page that defeats the
 * parser anyway is shown as escaped plain text. As in GFM's `~~x~~`, strikethrough needs two tildes.
 */
export function renderMarkdown(markdown: string, context: RenderContext): string {
  const text = typeof markdown === "string" ? markdown : "";
  if (findPageLimitBreach(text)) return asPlainText(text);
  try {
    const { markdown: closed, closingDirectives } = closeKatacodaFences(text);
    const sites = new ActionSites(context.editorRoot);
    const processor = unified()
      .use(remarkParse)
      .use(remarkGfm, { singleTilde: false })
      .use(() => (tree: MdastRoot) => attachActions(tree, { ...context, closingDirectives, sites }))
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(rehypeRaw)
      .use(() => (tree: HastRoot) => applyActionAttributes(tree, sites))
      .use(rehypeSanitize, sanitizeSchema)
      .use(rehypeStringify);
    return String(processor.processSync(closed));
  } catch {
    return asPlainText(text);
  }
}

function asPlainText(text: string): string {
  return `<pre>${text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`;
}

/**
 * KataCoda writes a directive on the closing fence (```` ```{{execute}} ````), which CommonMark
 * does not close on. Blank those directives out (keeping every offset) and return them by line.
 */
function closeKatacodaFences(markdown: string): { markdown: string; closingDirectives: Map<number, string> } {
  const closingDirectives = new Map<number, string>();
  const directives = readMarkdownBlocks(markdown).flatMap((block) =>
    block.kind === "fence" && block.closingDirective ? [block.closingDirective] : [],
  );
  if (directives.length === 0) return { markdown, closingDirectives };
  const lineStarts = splitLines(markdown).map((line) => line.start);
  let line = 0;
  let out = "";
  let from = 0;
  for (const directive of directives) {
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= directive.start) line++;
    closingDirectives.set(line + 1, directive.inner);
    out += markdown.slice(from, directive.start) + " ".repeat(directive.end - directive.start);
    from = directive.end;
  }
  return { markdown: out + markdown.slice(from), closingDirectives };
}
