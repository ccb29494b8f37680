// The HTML half of rendering, run after raw HTML is parsed and before sanitizing: turns the marks
// left by the markdown pass and KataCoda `<pre class="file">` blocks into data-circus-* attributes,
// and drops every data-circus-* attribute the author wrote by hand.
import type { Element, Root, RootContent } from "hast";
import { type ActionSites, fileProperties, SITE_PROPERTY } from "./action-sites";
import { readFileBlock } from "./file-blocks";

/** The prefix the markdown-to-HTML step puts on footnote ids; the sanitizer adds it back once. */
const CLOBBER_PREFIX = "user-content-";

export function applyActionAttributes(tree: Root, sites: ActionSites): void {
  const stack: Array<{ node: Root | Element; parent?: Element }> = [{ node: tree }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (node.type === "element") applyToElement(node, parent, sites);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child: RootContent = node.children[i]!;
      if (child.type === "element") stack.push({ node: child, parent: node.type === "element" ? node : undefined });
    }
  }
}

function applyToElement(element: Element, parent: Element | undefined, sites: ActionSites): void {
  const properties = element.properties;
  const mark = properties[SITE_PROPERTY];
  for (const key of Object.keys(properties)) if (key.startsWith("dataCircus")) delete properties[key];
  const id = properties.id;
  if (typeof id === "string" && id.startsWith(CLOBBER_PREFIX)) properties.id = id.slice(CLOBBER_PREFIX.length);
  const attributes = sites.lookUp(mark);
  if (attributes) {
    const blockCode = element.tagName === "code" && parent?.tagName === "pre";
    Object.assign(blockCode && parent ? parent.properties : properties, attributes);
    return;
  }
  const file = readFileBlock(element);
  if (file) {
    for (const key of ["className", "dataFilename", "dataTarget", "dataMarker"]) delete properties[key];
    Object.assign(properties, fileProperties({ ...file, path: sites.editorPath(file.path) }));
    element.children = [{ type: "element", tagName: "code", properties: {}, children: element.children }];
  }
}
