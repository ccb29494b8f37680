// Finds inline code spans (`` `ls` ``, ``` ``a ` b`` ```) in a run of markdown text in linear time,
// by CommonMark's rule: an opening backtick run closes at the next run of exactly the same length.

export interface CodeSpan {
  /** Offset of the opening backticks. */
  start: number;
  /** Offset just after the closing backticks. */
  end: number;
  /** The code, normalised as CommonMark does (line endings to spaces, one padding space stripped). */
  code: string;
}

interface Run {
  at: number;
  length: number;
  escaped: boolean;
}

/** The code spans of `markdown` between offsets `start` and `end`, in order. */
export function findCodeSpans(markdown: string, start: number, end: number): CodeSpan[] {
  const runs: Run[] = [];
  for (let i = start; i < end; i++) {
    if (markdown.charCodeAt(i) !== 96) continue;
    let backslashes = 0;
    for (let j = i - 1; j >= start && markdown.charCodeAt(j) === 92; j--) backslashes++;
    let length = 1;
    while (i + length < end && markdown.charCodeAt(i + length) === 96) length++;
    runs.push({ at: i, length, escaped: backslashes % 2 === 1 });
    i += length - 1;
  }
  // For each run length, the indices of the runs of that length and how far a search has got.
  const byLength = new Map<number, { indices: number[]; next: number }>();
  runs.forEach((run, index) => {
    const entry = byLength.get(run.length) ?? { indices: [], next: 0 };
    entry.indices.push(index);
    byLength.set(run.length, entry);
  });
  const spans: CodeSpan[] = [];
  let i = 0;
  while (i < runs.length) {
    const open = runs[i]!;
    const entry = byLength.get(open.length)!;
    while (entry.next < entry.indices.length && entry.indices[entry.next]! <= i) entry.next++;
    const closeIndex = entry.indices[entry.next];
    if (open.escaped || closeIndex === undefined) {
      i++;
      continue;
    }
    const close = runs[closeIndex]!;
    spans.push({
      start: open.at,
      end: close.at + close.length,
      code: normaliseCode(markdown.slice(open.at + open.length, close.at)),
    });
    i = closeIndex + 1;
  }
  return spans;
}

function normaliseCode(raw: string): string {
  const code = raw.replace(/\r\n?[ \t>]*|\n[ \t>]*/g, " ");
  return code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim() !== "" ? code.slice(1, -1) : code;
}
