// Reads a KataCoda/Killercoda index.json while keeping the position of every key and value,
// so that every later problem can be reported at its exact line and column.
import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import { error, type Location } from "../diagnostics";
import type { Diagnostic } from "../model";

export type JsonPath = readonly (string | number)[];

export interface IndexJsonDocument {
  /** The file name relative to the scenario folder (always "index.json"). */
  file: string;
  root: Node;
  /** The plain parsed value. */
  value: unknown;
  /** Where the value at `path` starts; falls back to the nearest parent that exists. */
  locateValue(path: JsonPath): Location;
  /** Where the key of the property at `path` starts (its opening quote); the value's position for array items. */
  locateKey(path: JsonPath): Location;
  /** Where `offset` (0-based, in UTF-16 units) is. */
  locateOffset(offset: number): Location;
}

export interface IndexJsonReading {
  document?: IndexJsonDocument;
  diagnostics: Diagnostic[];
}

/** Deeper arrays and objects are refused before parsing: the parser recurses once per level. */
export const MAX_JSON_NESTING = 100;

/** What each JSON syntax error means for an author, and how to fix it. */
const SYNTAX_FIXES: Record<string, { message: string; fix: string }> = {
  CommaExpected: {
    message: "a comma is missing before this value",
    fix: "add a comma at the end of the previous line",
  },
  PropertyNameExpected: {
    message: 'a property name in double quotes was expected here (a trailing comma before "}" is not allowed in JSON)',
    fix: 'remove the trailing comma, or write the key in double quotes: "key": value',
  },
  ValueExpected: {
    message: 'a value was expected here (a trailing comma before "]" or "}" is not allowed in JSON)',
    fix: "remove the trailing comma, or add the missing value",
  },
  ColonExpected: { message: "a colon is missing after the property name", fix: 'write "key": value' },
  CloseBraceExpected: { message: 'a closing "}" is missing', fix: 'close the object with "}"' },
  CloseBracketExpected: { message: 'a closing "]" is missing', fix: 'close the array with "]"' },
  EndOfFileExpected: {
    message: "there is text after the end of the JSON document",
    fix: "remove it, or wrap everything in one object",
  },
  InvalidCommentToken: { message: "JSON does not allow comments", fix: "remove the comment" },
  UnexpectedEndOfString: {
    message: "a string is not closed",
    fix: 'close the string with a double quote; write a quote inside a string as \\"',
  },
  InvalidSymbol: {
    message: "this is not valid JSON (strings need double quotes; true/false/null are lowercase)",
    fix: "quote the text with double quotes",
  },
};

/** Parses index.json text; never throws. Only the first syntax error is reported, as later ones are usually its echoes. */
export function readIndexJson(rawText: string, file = "index.json"): IndexJsonReading {
  const text = rawText.startsWith("\uFEFF") ? rawText.slice(1) : rawText;
  const lineStarts = computeLineStarts(text);
  const locateOffset = (offset: number): Location => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { file, line: low + 1, column: offset - lineStarts[low]! + 1 };
  };

  const tooDeep = findJsonNesting(text, MAX_JSON_NESTING);
  if (tooDeep !== undefined) {
    return {
      diagnostics: [
        error(
          "nesting-too-deep",
          `index.json nests arrays and objects more than ${MAX_JSON_NESTING} deep here`,
          locateOffset(tooDeep),
          'index.json needs only a few levels: remove the extra "[" or "{"',
        ),
      ],
    };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !root) {
    const code = first ? printParseErrorCode(first.error) : "ValueExpected";
    const known = SYNTAX_FIXES[code];
    const at = locateOffset(first?.offset ?? 0);
    return {
      diagnostics: [
        error(
          "index-json-invalid",
          `index.json is not valid JSON: ${known?.message ?? code} (${code})`,
          at,
          known?.fix ?? "fix the JSON syntax at this position (a JSON validator shows the details)",
        ),
      ],
    };
  }
  if (root.type !== "object") {
    return {
      diagnostics: [
        error(
          "index-json-not-object",
          `index.json must hold one JSON object, not ${root.type}`,
          locateOffset(root.offset),
          '{ "title": "...", "details": { ... } }',
        ),
      ],
    };
  }

  const nearest = (path: JsonPath): { node: Node; exact: boolean } => {
    for (let length = path.length; length >= 0; length--) {
      const node = findNodeAtLocation(root, [...path.slice(0, length)]);
      if (node) return { node, exact: length === path.length };
    }
    return { node: root, exact: false };
  };
  return {
    diagnostics: [],
    document: {
      file,
      root,
      value: getNodeValue(root),
      locateOffset,
      locateValue: (path) => locateOffset(nearest(path).node.offset),
      locateKey: (path) => {
        const { node, exact } = nearest(path);
        const property = exact && node.parent?.type === "property" ? node.parent : undefined;
        return locateOffset(property?.children?.[0]?.offset ?? node.offset);
      },
    },
  };
}

/** Offset of the first `[` or `{` (outside strings) nested deeper than `maxDepth`, or undefined. */
function findJsonNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"' || c === "\n" || c === "\r") inString = false; // the parser ends a string at a line break too
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      if (++depth > maxDepth) return i;
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 10) starts.push(index + 1);
    else if (char === 13 && text.charCodeAt(index + 1) !== 10) starts.push(index + 1);
  }
  return starts;
}
