// Limits on a page's markdown, checked in one linear pass before any markdown parser sees the page:
// micromark slows down on huge pages and overflows the stack on deeply nested block quotes and lists.
import { error } from "../diagnostics";
import type { Diagnostic, SourceRef } from "../model";

/** The largest page (its markdown, after any front matter), in UTF-8 bytes. */
export const MAX_PAGE_BYTES = 256 * 1024;
/** The deepest nesting of block quotes, list items and footnote definitions a page may have. */
export const MAX_MARKDOWN_NESTING = 64;

export interface PageLimitBreach {
  code: "page-too-large" | "nesting-too-deep";
  /** Offset in the page where the limit is crossed. */
  offset: number;
  message: string;
  fix: string;
}

/** The first limit `markdown` breaks, or undefined when a parser may have it. */
export function findPageLimitBreach(markdown: string): PageLimitBreach | undefined {
  const pastSize = offsetPastBytes(markdown, MAX_PAGE_BYTES);
  if (pastSize !== undefined) {
    return {
      code: "page-too-large",
      offset: pastSize,
      message: `this page is ${Math.ceil(Buffer.byteLength(markdown, "utf8") / 1024)} KiB of markdown; pages are limited to ${MAX_PAGE_BYTES / 1024} KiB (the limit is crossed here)`,
      fix: "split the page into several steps, or move large listings into assets/",
    };
  }
  const tooDeep = findDeepNesting(markdown, MAX_MARKDOWN_NESTING);
  if (tooDeep !== undefined) {
    return {
      code: "nesting-too-deep",
      offset: tooDeep,
      message: `block quotes, lists and footnotes are nested more than ${MAX_MARKDOWN_NESTING} deep here`,
      fix: "flatten the nesting: remove extra '>', list markers or [^note]: at the start of the line",
    };
  }
  return undefined;
}

/** The breach as an error diagnostic; `source` is where `markdown` starts in its file. */
export function pageLimitDiagnostic(markdown: string, source: SourceRef): Diagnostic | undefined {
  const breach = findPageLimitBreach(markdown);
  if (!breach) return undefined;
  return error(breach.code, breach.message, positionIn(markdown, breach.offset, source), breach.fix);
}

/** The file position of `offset` in `text`, which starts at `source` (its first line at `source.column`). */
function positionIn(text: string, offset: number, source: SourceRef): SourceRef {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  return { file: source.file, line: source.line + line, column: line === 0 ? source.column + column - 1 : column };
}

/** Offset of the first character whose UTF-8 encoding ends past `limit` bytes, or undefined. */
function offsetPastBytes(text: string, limit: number): number | undefined {
  if (text.length <= limit / 3) return undefined; // at most 3 bytes per UTF-16 unit
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3; // a surrogate pair is 4
    if (bytes > limit) return i;
  }
  return undefined;
}

/** A container open on the current line: a block quote, or a list item needing `indent` columns to continue. */
type Container = { kind: "quote" } | { kind: "item"; indent: number };

/**
 * Offset of the container marker that nests deeper than `maxDepth`, or undefined. Follows CommonMark's
 * container rules closely enough to never count less than a parser would: lazy and unmatched lines keep
 * the containers open. Each line costs its length plus at most `maxDepth` steps.
 */
export function findDeepNesting(markdown: string, maxDepth: number): number | undefined {
  let stack: Container[] = [];
  let lineStart = 0;
  while (lineStart <= markdown.length) {
    let lineEnd = lineStart;
    while (lineEnd < markdown.length && markdown[lineEnd] !== "\n" && markdown[lineEnd] !== "\r") lineEnd++;
    const line = new LineCursor(markdown, lineStart, lineEnd);
    let matched = 0;
    if (!line.isBlank()) {
      for (; matched < stack.length; matched++) {
        const container = stack[matched]!;
        if (container.kind === "quote" ? !line.takeQuoteMarker() : !line.takeIndent(container.indent)) break;
      }
      const opened: Container[] = [];
      for (;;) {
        const at = line.nextContent();
        const opener = line.takeOpener();
        if (!opener) break;
        opened.push(opener);
        if (matched + opened.length > maxDepth) return at;
      }
      if (opened.length > 0) stack = [...stack.slice(0, matched), ...opened];
    }
    lineStart = lineEnd + (markdown[lineEnd] === "\r" && markdown[lineEnd + 1] === "\n" ? 2 : 1);
  }
  return undefined;
}

/** Reads container markers off the start of one line, tracking columns (tabs stop every 4 columns). */
class LineCursor {
  private pos: number;
  private column = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  isBlank(): boolean {
    return this.nextContent() >= this.end;
  }

  /** Offset of the next character that is not a space or tab. */
  nextContent(): number {
    let at = this.pos;
    while (at < this.end && (this.text[at] === " " || this.text[at] === "\t")) at++;
    return at;
  }

  /** `>` after at most 3 columns of indentation, and one space after it. */
  takeQuoteMarker(): boolean {
    const { at, column } = this.skipWhitespace();
    if (column - this.column > 3 || this.text[at] !== ">") return false;
    this.moveTo(at + 1, column + 1);
    if (this.text[this.pos] === " ") this.moveTo(this.pos + 1, this.column + 1);
    return true;
  }

  /** At least `columns` columns of indentation (a list item's continuation); consumes exactly that many. */
  takeIndent(columns: number): boolean {
    const target = this.column + columns;
    let at = this.pos;
    let column = this.column;
    while (column < target && at < this.end && (this.text[at] === " " || this.text[at] === "\t")) {
      column = this.text[at] === "\t" ? column + 4 - (column % 4) : column + 1;
      at++;
    }
    if (column < target) return false;
    this.moveTo(at, target);
    return true;
  }

  /** A block quote marker or a list item marker that opens a container here. */
  takeOpener(): Container | undefined {
    const { at, column } = this.skipWhitespace();
    if (at >= this.end || column - this.column > 3) return undefined;
    if (this.text[at] === ">") {
      this.takeQuoteMarker();
      return { kind: "quote" };
    }
    const footnoteEnd = this.footnoteLabelEnd(at);
    if (footnoteEnd !== undefined) {
      this.moveTo(footnoteEnd, column + (footnoteEnd - at));
      return { kind: "item", indent: 4 }; // GFM continues a footnote definition on lines indented 4 columns
    }
    const markerEnd = this.listMarkerEnd(at);
    if (markerEnd === undefined) return undefined;
    let after = markerEnd;
    let spaces = 0;
    while (after < this.end && spaces < 5 && (this.text[after] === " " || this.text[after] === "\t")) {
      after++;
      spaces++;
    }
    if (spaces === 5 || after >= this.end) {
      after = Math.min(markerEnd + 1, this.end);
      spaces = 1;
    }
    const indent = column - this.column + (markerEnd - at) + spaces;
    this.moveTo(after, column + (markerEnd - at) + spaces);
    return { kind: "item", indent };
  }

  /** End of a bullet (`-`, `+`, `*`) or ordered (`1.`, `1)`) marker at `at` followed by a space, or undefined. */
  private listMarkerEnd(at: number): number | undefined {
    const c = this.text[at]!;
    let end = at;
    if (c === "-" || c === "+" || c === "*") {
      if (c !== "+" && this.isThematicBreak(at, c)) return undefined;
      end = at + 1;
    } else {
      while (end < this.end && end - at < 9 && this.text[end]! >= "0" && this.text[end]! <= "9") end++;
      if (end === at || (this.text[end] !== "." && this.text[end] !== ")")) return undefined;
      end++;
    }
    const next = this.text[end];
    return end >= this.end || next === " " || next === "\t" ? end : undefined;
  }

  /** End of a GFM footnote definition's `[^label]:` at `at`, or undefined. */
  private footnoteLabelEnd(at: number): number | undefined {
    if (this.text[at] !== "[" || this.text[at + 1] !== "^") return undefined;
    for (let i = at + 2; i < this.end && i - at <= 1002; i++) {
      const c = this.text[i];
      if (c === "]") return i > at + 2 && this.text[i + 1] === ":" ? i + 2 : undefined;
      if (c === "[" || c === " " || c === "\t") return undefined;
    }
    return undefined;
  }

  /** `- - -` or `***`: a rule, not a list. Reads at most to the first other character. */
  private isThematicBreak(at: number, marker: string): boolean {
    let count = 0;
    for (let i = at; i < this.end; i++) {
      const c = this.text[i];
      if (c === marker) count++;
      else if (c !== " " && c !== "\t") return false;
    }
    return count >= 3;
  }

  private skipWhitespace(): { at: number; column: number } {
    let at = this.pos;
    let column = this.column;
    while (at < this.end && (this.text[at] === " " || this.text[at] === "\t")) {
      column = this.text[at] === "\t" ? column + 4 - (column % 4) : column + 1;
      at++;
    }
    return { at, column };
  }

  private moveTo(pos: number, column: number): void {
    this.pos = pos;
    this.column = column;
  }
}
