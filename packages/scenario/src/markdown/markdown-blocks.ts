// A linear, line-based reading of a markdown page into the blocks that matter for actions: fenced
// code (with a KataCoda directive on or after its closing fence), raw HTML blocks and text runs.
// It follows CommonMark closely enough for real pages and never backtracks, whatever the input.

/** `{{...}}` at a known place in the markdown; `start`/`end` are offsets of the braces. */
export interface RawDirective {
  inner: string;
  start: number;
  end: number;
}

export type MarkdownBlock =
  | {
      kind: "fence";
      /** Offset of the first fence character of the opening line. */
      start: number;
      /** Offset just past the closing fence line (or the last line of an unclosed block). */
      end: number;
      info: string;
      /** The block's content with container indentation removed, without the final line break. */
      text: string;
      /** `` ```{{execute}} ``: a directive on the closing fence line (not valid CommonMark, but KataCoda's form). */
      closingDirective?: RawDirective;
      /** A directive at the start of the line right after the closing fence. */
      nextLineDirective?: RawDirective;
    }
  /** `<pre>`, `<script>`, `<style>`, `<textarea>` or a comment: raw HTML up to its closing tag. */
  | { kind: "html"; start: number; end: number; tag: string }
  /** Consecutive non-blank lines of one paragraph-like run (inline code and directives live here). */
  | { kind: "text"; start: number; end: number };

interface Line {
  start: number;
  end: number;
}

const QUOTES = /(?:[ \t]{0,3}>[ \t]?)*/y;
const INDENT_AND_MARKER = /[ \t]*((?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]*/y;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*(?:\{\{([^{}\n]{0,200})\}\}[ \t]*)?$/;
const HTML_OPEN = /^<(pre|script|style|textarea)(?=[\s>]|$)|^<!--/i;
const DIRECTIVE_AT = /\{\{([^{}\n]{0,200})\}\}/y;

/** Splits `markdown` into lines without their line endings (`\n`, `\r\n` or `\r`). */
export function splitLines(markdown: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push({ start, end: i });
      if (c === 13 && markdown.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push({ start, end: markdown.length });
  return lines;
}

/** Reads the blocks of `markdown` in order. */
export function readMarkdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = splitLines(markdown);
  const blocks: MarkdownBlock[] = [];
  let text: { start: number; end: number; quotes: number } | undefined;
  const endText = () => {
    if (text) blocks.push({ kind: "text", start: text.start, end: text.end });
    text = undefined;
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const prefix = readPrefix(markdown, line);
    const rest = markdown.slice(prefix.contentAt, line.end);
    if (rest.trim() === "") {
      endText();
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(rest);
    if (fence && !(fence[1]!.startsWith("`") && fence[2]!.includes("`"))) {
      endText();
      i = readFence(markdown, lines, i, prefix, fence[1]!, fence[2]!.trim(), blocks);
      continue;
    }
    const html = HTML_OPEN.exec(rest);
    if (html) {
      endText();
      const tag = (html[1] ?? "!--").toLowerCase();
      const closing = tag === "!--" ? "-->" : `</${tag}>`;
      let last = i;
      while (
        last < lines.length - 1 &&
        !lineIncludes(markdown, lines[last]!, closing, last === i ? prefix.contentAt : undefined)
      )
        last++;
      blocks.push({ kind: "html", start: prefix.contentAt, end: lines[last]!.end, tag });
      i = last + 1;
      continue;
    }
    const heading = /^#{1,6}(?:[ \t]|$)/.test(rest);
    if (text && (heading || prefix.listMarker || prefix.quotes !== text.quotes)) endText();
    if (text) text.end = line.end;
    else text = { start: prefix.contentAt, end: line.end, quotes: prefix.quotes };
    if (heading) endText();
    i++;
  }
  endText();
  return blocks;
}

interface Prefix {
  quotes: number;
  /** Offset where the line's content starts, after quote markers, indentation and a list marker. */
  contentAt: number;
  /** Columns between the quote markers and the content (a list item's content indent). */
  indent: number;
  listMarker: boolean;
}

function readPrefix(markdown: string, line: Line): Prefix {
  QUOTES.lastIndex = line.start;
  const quotes = QUOTES.exec(markdown)?.[0] ?? "";
  const afterQuotes = line.start + quotes.length;
  INDENT_AND_MARKER.lastIndex = afterQuotes;
  const marker = INDENT_AND_MARKER.exec(markdown);
  const contentAt = Math.min(afterQuotes + (marker?.[0].length ?? 0), line.end);
  let count = 0;
  for (const c of quotes) if (c === ">") count++;
  return { quotes: count, contentAt, indent: contentAt - afterQuotes, listMarker: Boolean(marker?.[1]) };
}

/** Reads a fenced block opened on line `at`; returns the index of the first line after it. */
function readFence(
  markdown: string,
  lines: readonly Line[],
  at: number,
  open: Prefix,
  fence: string,
  info: string,
  blocks: MarkdownBlock[],
): number {
  const content: string[] = [];
  let i = at + 1;
  let closingDirective: RawDirective | undefined;
  let closed = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const prefix = readPrefix(markdown, line);
    if (prefix.quotes < open.quotes && markdown.slice(prefix.contentAt, line.end).trim() !== "") break;
    const close = FENCE_CLOSE.exec(markdown.slice(prefix.contentAt, line.end));
    if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length && !prefix.listMarker) {
      if (close[2] !== undefined) {
        const start = markdown.indexOf("{{", prefix.contentAt + close[1]!.length);
        closingDirective = { inner: close[2], start, end: start + close[2].length + 4 };
      }
      closed = true;
      i++;
      break;
    }
    content.push(stripContentPrefix(markdown, line, open));
  }
  let nextLineDirective: RawDirective | undefined;
  const next = lines[i];
  if (closed && !closingDirective && next) {
    const prefix = readPrefix(markdown, next);
    DIRECTIVE_AT.lastIndex = prefix.contentAt;
    const match = DIRECTIVE_AT.exec(markdown);
    if (match && prefix.quotes === open.quotes) {
      nextLineDirective = { inner: match[1]!, start: match.index, end: match.index + match[0].length };
    }
  }
  blocks.push({
    kind: "fence",
    start: open.contentAt,
    end: lines[i - 1]?.end ?? open.contentAt,
    info,
    text: content.join("\n"),
    closingDirective,
    nextLineDirective,
  });
  return i;
}

/** A content line of a fence without the container's quote markers and up to the fence's indentation. */
function stripContentPrefix(markdown: string, line: Line, open: Prefix): string {
  let at = line.start;
  for (let quotes = 0; quotes < open.quotes; quotes++) {
    const marker = /[ \t]{0,3}>[ \t]?/y;
    marker.lastIndex = at;
    const match = marker.exec(markdown);
    if (!match || match.index + match[0].length > line.end) break;
    at += match[0].length;
  }
  for (
    let indent = 0;
    indent < open.indent && at < line.end && (markdown[at] === " " || markdown[at] === "\t");
    indent++
  )
    at++;
  return markdown.slice(at, line.end);
}

function lineIncludes(markdown: string, line: Line, needle: string, from?: number): boolean {
  return markdown
    .slice(from ?? line.start, line.end)
    .toLowerCase()
    .includes(needle);
}
