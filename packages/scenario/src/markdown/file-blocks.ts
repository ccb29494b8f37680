// KataCoda's editor blocks, `<pre class="file" data-filename="app.js" data-target="append">`, read
// from parsed HTML: one reader for the scanner (raw HTML blocks) and the renderer (the page's tree).
import type { Element, Nodes } from "hast";
import { fromHtml } from "hast-util-from-html";
import type { Action } from "../model";

export type FileMode = NonNullable<Action["fileMode"]>;

export interface FileBlock {
  path: string;
  mode: FileMode;
  text: string;
  /** A `data-target` that is none of the known modes (the block then replaces the file). */
  unknownTarget?: string;
}

const FILE_MODES: readonly FileMode[] = ["replace", "append", "prepend", "insert", "clipboard"];

/** The file block `element` stands for, or undefined when it is not a `<pre class="file" data-filename>`. */
export function readFileBlock(element: Element): FileBlock | undefined {
  if (element.tagName !== "pre") return undefined;
  const classes = element.properties.className;
  if (!Array.isArray(classes) || !classes.includes("file")) return undefined;
  const path = element.properties.dataFilename;
  if (typeof path !== "string" || path.trim() === "") return undefined;
  const target = element.properties.dataTarget;
  const written = typeof target === "string" ? target.trim().toLowerCase() : "replace";
  const known = FILE_MODES.find((mode) => mode === written);
  return {
    path: path.trim(),
    mode: known ?? "replace",
    text: textOf(element),
    unknownTarget: known ? undefined : String(target),
  };
}

/** Every file block in a piece of raw HTML, with its 1-based line and column inside `html`. */
export function findFileBlocks(html: string): Array<FileBlock & { line: number; column: number }> {
  const found: Array<FileBlock & { line: number; column: number }> = [];
  for (const element of elementsOf(fromHtml(html, { fragment: true }))) {
    const block = readFileBlock(element);
    if (block) {
      found.push({ ...block, line: element.position?.start.line ?? 1, column: element.position?.start.column ?? 1 });
    }
  }
  return found;
}

/** Every element below `root`, in document order, without recursion (pages may nest deeply). */
export function elementsOf(root: Nodes): Element[] {
  const elements: Element[] = [];
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "element") elements.push(node);
    if ("children" in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return elements;
}

function textOf(root: Element): string {
  let text = "";
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "text") text += node.value;
    if ("children" in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return text;
}
