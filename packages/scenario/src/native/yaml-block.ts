// Parses a piece of YAML that sits inside a file (front matter, a quiz block) and maps every
// position back to the file, so errors and field diagnostics carry the author's line and column.
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument, visit } from "yaml";
import { error, warning } from "../diagnostics";
import type { Diagnostic } from "../model";
import { findYamlNesting, MAX_YAML_NESTING } from "./yaml-nesting";

export type YamlPath = readonly (string | number)[];

export interface FilePosition {
  line: number;
  column: number;
}

export interface YamlBlock {
  file: string;
  /** The plain value; undefined when the YAML has syntax errors. */
  value: unknown;
  diagnostics: Diagnostic[];
  /** File position of the value at `path`, or of its closest ancestor that exists. */
  locate(path: YamlPath): FilePosition;
  /** File position of the key `key` in the mapping at `path` (or of the mapping when the key is absent). */
  locateKey(path: YamlPath, key: string): FilePosition;
}

/** `firstLine` is the 1-based file line the YAML text starts on. */
export function parseYamlBlock(text: string, file: string, firstLine: number): YamlBlock {
  const tooDeep = findYamlNesting(text, MAX_YAML_NESTING);
  if (tooDeep !== undefined) {
    const before = text.slice(0, tooDeep);
    const line = firstLine + (before.match(/\n/g)?.length ?? 0);
    const column = tooDeep - before.lastIndexOf("\n");
    const start = { line: firstLine, column: 1 };
    return {
      file,
      value: undefined,
      diagnostics: [
        error(
          "nesting-too-deep",
          `the YAML nests lists and mappings more than ${MAX_YAML_NESTING} deep here`,
          { file, line, column },
          "flatten the YAML: remove the extra '[', '{' or '- '",
        ),
      ],
      locate: () => start,
      locateKey: () => start,
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const toFile = (offset: number): FilePosition => {
    const { line, col } = lines.linePos(Math.min(offset, Math.max(0, text.length - 1)));
    return { line: firstLine + line - 1, column: col };
  };
  const start = { line: firstLine, column: 1 };
  const diagnostics: Diagnostic[] = [
    ...doc.errors.map((e) =>
      error(
        "yaml-invalid",
        `YAML syntax error: ${e.message}`,
        { file, ...toFile(e.pos[0]) },
        "fix the YAML here: check indentation, colons after keys, and quotes around values that contain ': ' or '#'",
      ),
    ),
    ...doc.warnings.map((w) =>
      warning("yaml-warning", `YAML: ${w.message}`, { file, ...toFile(w.pos[0]) }, "check this YAML"),
    ),
  ];
  const nodeAt = (path: YamlPath): Node | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === "object" && "range" in node && node.range) return node as Node;
    }
    return undefined;
  };
  const locate = (path: YamlPath): FilePosition => {
    const node = nodeAt(path);
    return node?.range ? toFile(node.range[0]) : start;
  };
  const locateKey = (path: YamlPath, key: string): FilePosition => {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isScalar(pair.key) && pair.key.range) return toFile(pair.key.range[0]);
    }
    return locate(path);
  };
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      // Aliases are resolved only here: one without its anchor, or too many of them, is the author's error.
      const alias = firstUnresolvedAlias(doc);
      diagnostics.push(
        error(
          "yaml-invalid",
          alias
            ? `YAML alias '*${alias.source}' has no anchor '&${alias.source}' before it`
            : `YAML: ${cause instanceof Error ? cause.message : String(cause)}`,
          { file, ...(alias?.range ? toFile(alias.range[0]) : start) },
          "quote a value that starts with '*' or '&' (they mark YAML aliases and anchors), or define the anchor before its alias",
        ),
      );
    }
  }
  return { file, value, diagnostics, locate, locateKey };
}

/** How many alias expansions a block may make: a "billion laughs" document stops here with an error. */
const MAX_ALIAS_COUNT = 100;

function firstUnresolvedAlias(doc: Document): { source: string; range: Node["range"] } | undefined {
  let found: { source: string; range: Node["range"] } | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc)) return undefined;
      found = { source: alias.source, range: alias.range };
      return visit.BREAK;
    },
  });
  return found;
}
