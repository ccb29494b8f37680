// The actions a render found, keyed by an unguessable per-render token: the markdown pass marks code
// with the token, and the HTML pass trusts only marks carrying it, so raw HTML cannot forge an action.
import { editorFilePath } from "../editor-paths";
import type { ActionOptions } from "./directive-words";
import type { FileBlock } from "./file-blocks";

/** hast property names of the attributes Circus emits; the sanitizer allows exactly these. */
export const ACTION_PROPERTIES = [
  "dataCircusAction",
  "dataCircusHost",
  "dataCircusTerminal",
  "dataCircusInterrupt",
  "dataCircusNewline",
  "dataCircusControlSequence",
  "dataCircusPath",
  "dataCircusFileMode",
] as const;

/** The property a marked mdast node carries into hast. */
export const SITE_PROPERTY = "dataCircusSite";

export class ActionSites {
  private readonly token = globalThis.crypto.randomUUID();
  private readonly sites: Array<Record<string, string>> = [];

  /** `editorRoot`: where the editor's relative file names live; unset leaves names as written. */
  constructor(private readonly editorRoot?: string) {}

  /** A file name from the page as the editor opens or writes it (absolute under the editor root). */
  editorPath(path: string): string {
    return this.editorRoot === undefined ? path : editorFilePath(path, this.editorRoot);
  }

  /** Records an action and returns the mark to put on its code. */
  mark(properties: Record<string, string>): string {
    this.sites.push(properties);
    return `${this.token}:${this.sites.length - 1}`;
  }

  /** The attributes for a mark, or undefined when the mark was not made by this render. */
  lookUp(mark: unknown): Record<string, string> | undefined {
    if (typeof mark !== "string" || !mark.startsWith(`${this.token}:`)) return undefined;
    const properties = this.sites[Number(mark.slice(this.token.length + 1))];
    if (!properties?.dataCircusPath) return properties;
    return { ...properties, dataCircusPath: this.editorPath(properties.dataCircusPath) };
  }
}

/** The attributes of an exec, copy or open action on code whose text is `text`. */
export function actionProperties(options: ActionOptions, path: string | undefined): Record<string, string> {
  const properties: Record<string, string> = { dataCircusAction: options.kind };
  if (options.kind === "exec") {
    if (options.host) properties.dataCircusHost = options.host;
    if (options.terminal) properties.dataCircusTerminal = options.terminal;
    properties.dataCircusInterrupt = String(options.interrupt);
    properties.dataCircusNewline = String(options.newline);
    if (options.controlSequence) properties.dataCircusControlSequence = "true";
  }
  if (options.kind === "open" && path) properties.dataCircusPath = path;
  return properties;
}

export function fileProperties(block: FileBlock): Record<string, string> {
  return { dataCircusAction: "file", dataCircusPath: block.path, dataCircusFileMode: block.mode };
}
