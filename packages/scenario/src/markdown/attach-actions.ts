// The markdown half of rendering: ties KataCoda directives and native info strings to their code,
// takes the directive text out of the page, and resolves port and host placeholders.
import type { Code, InlineCode, Link, Parent, Root, RootContent, Text } from "mdast";
import { type ActionSites, actionProperties, SITE_PROPERTY } from "./action-sites";
import { type DirectiveReading, readDirective, readInfoString } from "./directive-words";
import {
  findPlaceholders,
  type Placeholder,
  replacePlaceholders,
  resolveCommandPlaceholders,
} from "./port-placeholders";
import { firstLine } from "./scan-directives";

export interface AttachContext {
  hosts: readonly string[];
  portUrl: (host: string, port: number, path?: string) => string;
  selectorUrl?: string;
  /** Directives that stood on a closing fence line, by that line (1-based), taken out before parsing. */
  closingDirectives: ReadonlyMap<number, string>;
  sites: ActionSites;
}

const DIRECTIVE_AT_START = /^\{\{([^{}\n]{0,200})\}\}/;

/** Marks the page's actions and resolves placeholders, in place. Walks without recursion. */
export function attachActions(tree: Root, context: AttachContext): void {
  const stack: Array<{ parent: Parent; inLink: boolean }> = [{ parent: tree, inLink: false }];
  while (stack.length > 0) {
    const { parent, inLink } = stack.pop()!;
    const dropped = new Set<RootContent>();
    parent.children.forEach((child, index) => {
      const next = parent.children[index + 1];
      if (child.type === "code") attachToBlock(child, next, dropped, context);
      else if (child.type === "inlineCode") attachToInline(child, next, context);
    });
    const children: RootContent[] = [];
    for (const child of parent.children) {
      if (!dropped.has(child)) children.push(...resolvePlaceholders(child, inLink, context));
    }
    parent.children = children;
    for (const child of children) {
      if ("children" in child)
        stack.push({ parent: child, inLink: inLink || child.type === "link" || child.type === "linkReference" });
    }
  }
}

function attachToBlock(
  code: Code,
  next: RootContent | undefined,
  dropped: Set<RootContent>,
  context: AttachContext,
): void {
  const info = readInfoString([code.lang, code.meta].filter(Boolean).join(" "), context.hosts);
  const endLine = code.position?.end.line;
  const onClosingLine = endLine === undefined ? undefined : context.closingDirectives.get(endLine);
  let reading: DirectiveReading | undefined;
  if (onClosingLine !== undefined) {
    reading = readDirective(onClosingLine, context.hosts);
  } else if (next?.type === "paragraph" && endLine !== undefined && next.position?.start.line === endLine + 1) {
    const first = next.children[0];
    const match = first?.type === "text" ? DIRECTIVE_AT_START.exec(first.value) : null;
    if (first?.type === "text" && match) {
      reading = readDirective(match[1]!, context.hosts);
      if (reading.kind === "action" || reading.kind === "plain") {
        first.value = first.value.slice(match[0].length).replace(/^[ \t]*\r?\n?/, "");
        if (first.value === "") next.children.shift();
        if (next.children.length === 0) dropped.add(next);
      }
    }
  }
  const options = info.options ?? (reading?.kind === "action" ? reading.options : undefined);
  if (info.options) {
    code.lang = info.language ?? null;
    code.meta = null;
  }
  if (!options || options.unresolvedHost) return;
  const path = options.path ?? (options.kind === "open" ? firstLine(code.value) : undefined);
  if (options.kind === "open" && !path) return;
  mark(code, context.sites.mark(actionProperties(options, path)));
}

function attachToInline(code: InlineCode, next: RootContent | undefined, context: AttachContext): void {
  if (next?.type !== "text") return;
  const match = DIRECTIVE_AT_START.exec(next.value);
  if (!match) return;
  const reading = readDirective(match[1]!, context.hosts);
  if (reading.kind !== "action" && reading.kind !== "plain") return;
  next.value = next.value.slice(match[0].length);
  if (reading.kind === "plain" || reading.options.unresolvedHost) return;
  const path = reading.options.path ?? (reading.options.kind === "open" ? firstLine(code.value) : undefined);
  if (reading.options.kind === "open" && !path) return;
  mark(code, context.sites.mark(actionProperties(reading.options, path)));
}

function mark(code: Code | InlineCode, site: string): void {
  code.data = { ...code.data, hProperties: { ...code.data?.hProperties, [SITE_PROPERTY]: site } };
}

/** The node with its placeholders resolved; text outside links becomes text and links. */
function resolvePlaceholders(node: RootContent, inLink: boolean, context: AttachContext): RootContent[] {
  const resolve = (placeholder: Exclude<Placeholder, { kind: "invalid" }>) => resolvePlaceholder(placeholder, context);
  switch (node.type) {
    case "text":
      return inLink
        ? [{ ...node, value: replacePlaceholders(node.value, context.hosts, resolve) }]
        : linkify(node, context);
    case "inlineCode":
    case "code": {
      // A command the learner runs goes to the sandbox, where a host's port is its own address.
      const site = context.sites.lookUp(node.data?.hProperties?.[SITE_PROPERTY]);
      node.value =
        site?.dataCircusAction === "exec"
          ? resolveCommandPlaceholders(node.value, context.hosts)
          : replacePlaceholders(node.value, context.hosts, resolve);
      return [node];
    }
    case "link":
    case "image":
    case "definition":
      node.url = replacePlaceholders(node.url, context.hosts, resolve);
      return [node];
    case "html":
      node.value = replacePlaceholders(node.value, context.hosts, (p) => escapeHtml(resolve(p)));
      return [node];
    default:
      return [node];
  }
}

function linkify(node: Text, context: AttachContext): RootContent[] {
  const placeholders = findPlaceholders(node.value, context.hosts);
  if (placeholders.length === 0) return [node];
  const nodes: Array<Text | Link> = [];
  let from = 0;
  for (const placeholder of placeholders) {
    if (placeholder.kind === "invalid") continue;
    const before = node.value.slice(from, placeholder.start);
    const resolved = resolvePlaceholder(placeholder, context);
    if (placeholder.kind === "host-address") {
      nodes.push({ type: "text", value: before + resolved });
    } else {
      if (before) nodes.push({ type: "text", value: before });
      nodes.push({ type: "link", url: resolved, children: [{ type: "text", value: resolved }] });
    }
    from = placeholder.end;
  }
  if (from < node.value.length) nodes.push({ type: "text", value: node.value.slice(from) });
  return nodes;
}

function resolvePlaceholder(placeholder: Exclude<Placeholder, { kind: "invalid" }>, context: AttachContext): string {
  if (placeholder.kind === "port") return context.portUrl(placeholder.host, placeholder.port, placeholder.path);
  if (placeholder.kind === "selector") return context.selectorUrl ?? "#ports";
  return placeholder.host;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
