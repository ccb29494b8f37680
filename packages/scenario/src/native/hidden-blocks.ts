// Takes the author-only parts out of a page's markdown: fenced blocks whose info string names a role
// (setup, foreground, verify, solve, hint, quiz) and, on request, the first `# heading` (the title).
import type { Code, Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";

export type HiddenRole = "setup" | "foreground" | "verify" | "solve" | "hint" | "quiz";

const ROLES = new Set<string>(["setup", "foreground", "verify", "solve", "hint", "quiz"]);

/**
 * Only the page's blocks matter here, so the inline constructs whose resolution is quadratic on
 * adversarial text (emphasis, strikethrough, links, raw HTML, autolinks) are turned off. Single tildes
 * are not strikethrough, as in the renderer. Escapes and entities stay: fence info strings use them.
 */
const BLOCKS_ONLY = [
  gfm({ singleTilde: false }),
  {
    disable: {
      null: [
        "attention",
        "autolink",
        "codeText",
        "hardBreakEscape",
        "htmlText",
        "labelEnd",
        "labelStartImage",
        "labelStartLink",
        "strikethrough",
        "wwwAutolink",
        "protocolAutolink",
        "emailAutolink",
        "gfmFootnoteCall",
        "gfmPotentialFootnoteCall",
      ],
    },
  },
];
/** A title heading longer than this is taken as written, without reading its inline markdown. */
const MAX_TITLE_SOURCE = 1024;

export interface HiddenBlock {
  role: HiddenRole;
  /** The block's content, without its fences. */
  text: string;
  /** Words after the role keyword: `timeout=30` gives { timeout: "30" }, a bare word gives { word: true }. */
  options: Record<string, string | true>;
  /** File line and column of the opening fence. */
  line: number;
  column: number;
  /** File line of the block's first content line. */
  contentLine: number;
}

export interface PageMarkdown {
  /** The markdown that is shown: hidden parts blanked out (their lines kept empty, so positions hold). */
  markdown: string;
  /** File line `markdown` starts on (leading blank lines are dropped). */
  line: number;
  blocks: HiddenBlock[];
  /** The text of the first top-level `# heading`, when `takeTitle` asked for it; the heading is removed. */
  title?: string;
}

/**
 * `body` starts on file line `bodyLine`. Removed parts are replaced by their own line breaks, so every
 * remaining character keeps its line and column: a later scan of `markdown` from `line` reports true positions.
 */
export function extractHiddenBlocks(body: string, bodyLine: number, options: { takeTitle: boolean }): PageMarkdown {
  const tree: Root = fromMarkdown(withPlainClosingFences(body), {
    extensions: BLOCKS_ONLY,
    mdastExtensions: [gfmFromMarkdown()],
  });
  const removed: [number, number][] = [];
  const blocks: HiddenBlock[] = [];
  let title: string | undefined;
  if (options.takeTitle) {
    const heading = tree.children.find((node) => node.type === "heading" && node.depth === 1);
    if (heading?.position) {
      title = titleText(body.slice(heading.position.start.offset ?? 0, heading.position.end.offset ?? 0), heading);
      removed.push([heading.position.start.offset ?? 0, heading.position.end.offset ?? 0]);
    }
  }
  for (const node of codeBlocks(tree)) {
    const words = [node.lang ?? "", ...(node.meta ?? "").trim().split(/\s+/)].filter((w) => w !== "");
    const roleAt = ROLES.has(words[0]?.toLowerCase() ?? "") ? 0 : ROLES.has(words[1]?.toLowerCase() ?? "") ? 1 : -1;
    if (roleAt < 0 || !node.position) continue;
    const blockOptions: Record<string, string | true> = {};
    for (const word of words.slice(roleAt + 1)) {
      const equals = word.indexOf("=");
      if (equals > 0) blockOptions[word.slice(0, equals).toLowerCase()] = word.slice(equals + 1);
      else blockOptions[word.toLowerCase()] = true;
    }
    let role = words[roleAt]!.toLowerCase() as HiddenRole;
    if (role === "setup" && blockOptions.foreground === true) {
      role = "foreground";
      delete blockOptions.foreground;
    }
    const { start, end } = node.position;
    blocks.push({
      role,
      text: node.value,
      options: blockOptions,
      line: bodyLine + start.line - 1,
      column: start.column,
      contentLine: bodyLine + start.line,
    });
    removed.push([start.offset ?? 0, end.offset ?? 0]);
  }
  const { text, skippedLines } = trimBlankLines(blankOut(body, removed));
  return { markdown: text, line: bodyLine + skippedLines, blocks, title };
}

/**
 * KataCoda puts a directive on the closing fence ("```{{execute}}"), which CommonMark does not read as a
 * closing fence. Blank the directive (same length, so offsets hold) so the block ends where the author meant.
 */
function withPlainClosingFences(text: string): string {
  return text.replace(
    /^([ \t]{0,3}(?:`{3,}|~{3,}))([ \t]*\{\{[^}\n]*\}\}[ \t]*)$/gm,
    (_line, fence: string, directive: string) => fence + " ".repeat(directive.length),
  );
}

/** Replaces each range by the line breaks it contained. */
function blankOut(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < cursor) continue;
    out += text.slice(cursor, start) + text.slice(start, end).replace(/[^\r\n]/g, "");
    cursor = end;
  }
  return out + text.slice(cursor);
}

/** Drops leading blank lines (counting them) and trailing blank space (keeping one final newline). */
function trimBlankLines(text: string): { text: string; skippedLines: number } {
  const leading = /^(?:[ \t]*\r?\n)*/.exec(text)?.[0] ?? "";
  const rest = text.slice(leading.length).replace(/\s+$/, "");
  if (rest === "") return { text: "", skippedLines: 0 };
  return { text: `${rest}\n`, skippedLines: leading.split("\n").length - 1 };
}

/** The fenced and indented code blocks of `tree`, in document order; walks without recursion. */
function codeBlocks(tree: Root): Code[] {
  const found: Code[] = [];
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "code") found.push(node);
    if ("children" in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return found;
}

/** The title's text: the heading's own source read again with inline markdown (`# Start *here*` gives "Start here"). */
function titleText(source: string, blocksOnly: Nodes): string {
  if (source.length > MAX_TITLE_SOURCE) return plainText(blocksOnly).trim();
  const tree = fromMarkdown(source, {
    extensions: [gfm({ singleTilde: false })],
    mdastExtensions: [gfmFromMarkdown()],
  });
  const heading = tree.children.find((node) => node.type === "heading");
  return plainText(heading ?? blocksOnly).trim();
}

/** The text of `root` and everything below it, without recursion. */
function plainText(root: Nodes): string {
  let text = "";
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if ("value" in node && typeof node.value === "string") text += node.value;
    else if ("children" in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return text;
}
