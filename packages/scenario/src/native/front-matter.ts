// Splits a markdown file into its YAML front matter (between "---" fences on the first lines)
// and its body, remembering the file line each part starts on so diagnostics point at the file.

export interface FrontMatterSplit {
  /** The YAML between the fences; undefined when the file has none (or it is unclosed). */
  yaml?: string;
  /** 1-based file line of the YAML's first line. */
  yamlLine: number;
  /** Everything after the closing fence (or the whole file without front matter). */
  body: string;
  /** 1-based file line the body starts on. */
  bodyLine: number;
  /** The file opens a front matter block that never closes. */
  unclosed: boolean;
}

const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

export function splitFrontMatter(text: string): FrontMatterSplit {
  const opening = OPENING.exec(text);
  if (!opening) return { yamlLine: 1, body: text, bodyLine: 1, unclosed: false };
  let offset = opening[0].length;
  let line = 2;
  while (offset <= text.length) {
    const newline = text.indexOf("\n", offset);
    const end = newline < 0 ? text.length : newline;
    const content = text.slice(offset, end).replace(/\r$/, "");
    if (CLOSING.test(content)) {
      const bodyStart = newline < 0 ? text.length : newline + 1;
      return {
        yaml: text.slice(opening[0].length, offset),
        yamlLine: 2,
        body: text.slice(bodyStart),
        bodyLine: line + 1,
        unclosed: false,
      };
    }
    if (newline < 0) break;
    offset = newline + 1;
    line++;
  }
  return { yamlLine: 2, body: text, bodyLine: 1, unclosed: true };
}
