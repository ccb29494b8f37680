// Splits a markdown file into its YAML front matter (between `---` lines at the top) and its body.
import { parse } from "yaml";

export function splitFrontMatter(text: string): { data: Record<string, unknown>; body: string } {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { data: {}, body: text };
  const data = parse(match[1]!) as unknown;
  return {
    data: data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
    body: text.slice(match[0].length),
  };
}
