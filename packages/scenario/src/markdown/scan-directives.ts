// Finds every clickable action and port link in a page's markdown, in both the native syntax and
// KataCoda's, with the exact file/line/column of each, and reports misspelt or unusable directives.
import { error, warning } from "../diagnostics";
import type { Action, Diagnostic, SourceRef } from "../model";
import { findCodeSpans } from "./code-spans";
import { type ActionOptions, readDirective, readInfoString, type WordIssue } from "./directive-words";
import { findFileBlocks } from "./file-blocks";
import { type MarkdownBlock, readMarkdownBlocks, splitLines } from "./markdown-blocks";
import { findPlaceholders } from "./port-placeholders";

export interface PortReference {
  host: string;
  port: number;
  source: SourceRef;
}

export interface DirectiveScan {
  actions: Action[];
  portReferences: PortReference[];
  diagnostics: Diagnostic[];
}

export interface ScanContext {
  /** The scenario's host names in order: `HOSTn` is `hosts[n - 1]`. */
  hosts: readonly string[];
}

const DIRECTIVES = /\{\{([^{}\n]{0,200})\}\}/g;
const DIRECTIVE_AT = /\{\{([^{}\n]{0,200})\}\}/y;

/**
 * Scans one page. `source` is where `markdown` starts in its file (the line of its first character).
 * Never throws; runs in time linear in the size of the page.
 */
export function scanDirectives(markdown: string, source: SourceRef, context: ScanContext): DirectiveScan {
  const scan: DirectiveScan = { actions: [], portReferences: [], diagnostics: [] };
  const text = typeof markdown === "string" ? markdown : String(markdown ?? "");
  const locate = locator(text, source);
  try {
    const attached = new Set<number>();
    const blocks = readMarkdownBlocks(text);
    const plainCode: { start: number; end: number }[] = [];
    for (const block of blocks) {
      const actionsBefore = scan.actions.length;
      scanBlock(text, block, { hosts: context.hosts, locate, attached }, scan);
      // Code nobody can click only shows text: a placeholder naming a missing host stays text there.
      const isCode = block.kind === "fence" || (block.kind === "html" && block.tag === "pre");
      if (isCode && scan.actions.length === actionsBefore) plainCode.push({ start: block.start, end: block.end });
    }
    for (const placeholder of findPlaceholders(text, context.hosts)) {
      if (placeholder.kind === "port") {
        scan.portReferences.push({ host: placeholder.host, port: placeholder.port, source: locate(placeholder.start) });
      } else if (placeholder.kind === "invalid") {
        const inPlainCode = plainCode.some((code) => code.start <= placeholder.start && placeholder.start < code.end);
        scan.diagnostics.push(
          inPlainCode
            ? warning(
                `${placeholder.issue.code}-in-code`,
                `${placeholder.issue.message}; inside this code block it is shown as written`,
                locate(placeholder.start),
                placeholder.issue.fix,
              )
            : diagnosticOf(placeholder.issue, locate(placeholder.start)),
        );
      }
    }
  } catch (cause) {
    // Only a bug in Circus gets here; the author still sees where the page is.
    const message = cause instanceof Error ? cause.message : String(cause);
    scan.diagnostics.push(
      error(
        "directive-scan-failed",
        `Circus could not scan this page for actions: ${message}`,
        source,
        "report this as a bug in Circus with the page attached",
      ),
    );
  }
  scan.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return scan;
}

type Locate = (offset: number) => SourceRef;

interface BlockContext {
  hosts: readonly string[];
  locate: Locate;
  /** Offsets of directives already tied to code, so the text scan does not report them again. */
  attached: Set<number>;
}

function scanBlock(markdown: string, block: MarkdownBlock, context: BlockContext, scan: DirectiveScan) {
  const { hosts, locate, attached } = context;
  const report = (issues: readonly WordIssue[], at: number) => {
    for (const issue of issues) scan.diagnostics.push(diagnosticOf(issue, locate(at)));
  };
  if (block.kind === "fence") {
    const info = readInfoString(block.info, hosts);
    report(info.issues, block.start);
    const directive = block.closingDirective ?? block.nextLineDirective;
    const reading = directive ? readDirective(directive.inner, hosts) : undefined;
    if (directive && reading) {
      report(reading.issues, directive.start);
      attached.add(directive.start);
    }
    if (info.options) {
      if (directive && (reading?.kind === "action" || reading?.kind === "plain")) {
        scan.diagnostics.push(
          warning(
            "directive-conflict",
            `this block has both "${block.info}" and {{${directive.inner}}}; the info string wins`,
            locate(directive.start),
            "keep one of the two",
          ),
        );
      }
      scan.actions.push(actionOf(info.options, block.text, false, locate(block.start)));
    } else if (reading?.kind === "action") {
      scan.actions.push(actionOf(reading.options, block.text, false, locate(block.start)));
    }
    return;
  }
  if (block.kind === "html") {
    if (block.tag !== "pre") return;
    const html = markdown.slice(block.start, block.end);
    const lineStarts = splitLines(html).map((line) => line.start);
    for (const file of findFileBlocks(html)) {
      const at = block.start + (lineStarts[file.line - 1] ?? 0) + file.column - 1;
      if (file.unknownTarget !== undefined) {
        scan.diagnostics.push(
          warning(
            "file-target",
            `data-target="${file.unknownTarget}" is not a known mode; the file is replaced`,
            locate(at),
            "use replace, append, prepend, insert or clipboard",
          ),
        );
      }
      scan.actions.push({
        kind: "file",
        text: file.text,
        path: file.path,
        fileMode: file.mode,
        interrupt: false,
        newline: true,
        controlSequence: false,
        inline: false,
        source: locate(at),
      });
    }
    return;
  }
  const spans = findCodeSpans(markdown, block.start, block.end);
  for (const span of spans) {
    DIRECTIVE_AT.lastIndex = span.end;
    const match = span.end < block.end ? DIRECTIVE_AT.exec(markdown) : null;
    if (!match) continue;
    attached.add(match.index);
    const reading = readDirective(match[1]!, hosts);
    report(reading.issues, match.index);
    if (reading.kind === "action") scan.actions.push(actionOf(reading.options, span.code, true, locate(span.start)));
  }
  // Directives in the text that follow no code: misspelt ones warn, stray real ones too.
  let next = 0;
  for (const match of markdown.slice(block.start, block.end).matchAll(DIRECTIVES)) {
    const at = block.start + match.index;
    while (next < spans.length && spans[next]!.end <= at) next++;
    if (attached.has(at) || (spans[next] && spans[next]!.start <= at)) continue;
    const reading = readDirective(match[1]!, hosts);
    if (reading.kind === "typo") report(reading.issues, at);
    if (reading.kind === "action") {
      scan.diagnostics.push(
        warning(
          "directive-orphan",
          `${match[0]} follows no code, so it does nothing`,
          locate(at),
          "put it right after inline code (`ls`{{execute}}) or on a fenced block's closing fence",
        ),
      );
    }
  }
}

function actionOf(options: ActionOptions, text: string, inline: boolean, source: SourceRef): Action {
  const action: Action = {
    kind: options.kind,
    text,
    interrupt: options.interrupt,
    newline: options.newline,
    controlSequence: options.controlSequence,
    inline,
    source,
  };
  if (options.host !== undefined) action.host = options.host;
  if (options.terminal !== undefined) action.terminal = options.terminal;
  const path = options.path ?? (options.kind === "open" ? firstLine(text) : undefined);
  if (path) action.path = path;
  return action;
}

/** The file an `{{open}}` names: its code's first non-blank line. */
export function firstLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "");
}

function diagnosticOf(issue: WordIssue, at: SourceRef): Diagnostic {
  return (issue.severity === "error" ? error : warning)(issue.code, issue.message, at, issue.fix);
}

/** Maps an offset in the page to a place in its file; the first line starts at `source.column`. */
function locator(markdown: string, source: SourceRef): Locate {
  const starts = splitLines(markdown).map((line) => line.start);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const column = offset - starts[low]! + 1;
    return { file: source.file, line: source.line + low, column: low === 0 ? source.column + column - 1 : column };
  };
}
