// A linear pre-scan of YAML nesting (front matter, quiz blocks): the yaml parser recurses once per level
// and overflows the stack on a few thousand levels, which can take the whole process down.

/** The deepest nesting of mappings and sequences (block or flow) a YAML block may have. */
export const MAX_YAML_NESTING = 100;

/**
 * Offset where the YAML nests deeper than `maxDepth`, or undefined. Counts flow brackets outside
 * quotes and comments, block indentation levels and `- ` markers; never counts less than the parser.
 */
export function findYamlNesting(text: string, maxDepth: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let i = lineStart;
    // Inside an unclosed flow collection the parser recovers by reading block structure: count it there too.
    if (!quote) {
      while (i < lineEnd && text[i] === " ") i++;
      const blank = i >= lineEnd || text[i] === "#" || text[i] === "\r";
      if (!blank) {
        const indent = i - lineStart;
        while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > maxDepth) return i;
        // Compact sequences: `- - - x` nests one level per marker.
        let markers = 0;
        while (i < lineEnd && text[i] === "-" && (text[i + 1] === " " || text[i + 1] === "\t")) {
          if (indents.length + flow + ++markers > maxDepth) return i;
          i += 2;
          while (i < lineEnd && (text[i] === " " || text[i] === "\t")) i++;
        }
      }
    }
    for (; i < lineEnd; i++) {
      const c = text[i];
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if ((c === '"' || c === "'") && startsValue(text, i, lineStart)) quote = c;
      else if (c === "#" && (i === lineStart || text[i - 1] === " " || text[i - 1] === "\t")) break;
      else if (c === "[" || c === "{") {
        if (indents.length + ++flow > maxDepth) return i;
      } else if ((c === "]" || c === "}") && flow > 0) flow--;
    }
    lineStart = lineEnd + 1;
  }
  return undefined;
}

/** Whether a quote at `at` opens a quoted scalar: a quote inside plain text (`it's`) does not. */
function startsValue(text: string, at: number, lineStart: number): boolean {
  let before = at - 1;
  while (before >= lineStart && (text[before] === " " || text[before] === "\t")) before--;
  return before < lineStart || ":-?[{,".includes(text[before]!);
}
