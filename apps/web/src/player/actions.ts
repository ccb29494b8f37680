// Clickable actions of a rendered step: read from the data-circus-* attributes renderMarkdown emits,
// then turned into what to type and into which terminal. Framework-free; the step pane wires clicks.

export type FileMode = "replace" | "append" | "prepend" | "insert" | "clipboard";

export type PageAction =
  | {
      kind: "exec";
      text: string;
      host?: string;
      terminal?: string;
      interrupt: boolean;
      newline: boolean;
      controlSequence: boolean;
    }
  | { kind: "copy"; text: string }
  | { kind: "open"; path: string }
  | { kind: "file"; path: string; mode: FileMode; text: string };

/** The attributes as `HTMLElement.dataset` names them (`data-circus-host` → `circusHost`). */
export type ActionDataset = Readonly<Record<string, string | undefined>>;

const FILE_MODES: readonly FileMode[] = ["replace", "append", "prepend", "insert", "clipboard"];

/** The action an element carries, or undefined when it carries none (or a malformed one). */
export function readAction(dataset: ActionDataset, text: string): PageAction | undefined {
  switch (dataset.circusAction) {
    case "exec":
      return {
        kind: "exec",
        text,
        host: dataset.circusHost || undefined,
        terminal: dataset.circusTerminal || undefined,
        interrupt: dataset.circusInterrupt === "true",
        newline: dataset.circusNewline !== "false",
        controlSequence: dataset.circusControlSequence === "true",
      };
    case "copy":
      return { kind: "copy", text };
    case "open":
      return dataset.circusPath ? { kind: "open", path: dataset.circusPath } : undefined;
    case "file": {
      if (!dataset.circusPath) return undefined;
      const mode = FILE_MODES.find((candidate) => candidate === dataset.circusFileMode) ?? "replace";
      return { kind: "file", path: dataset.circusPath, mode, text };
    }
    default:
      return undefined;
  }
}

/** What an exec action types: its text with Enter as `\r`, or a `^C`-style control sequence as its byte. */
export function typedText(action: Extract<PageAction, { kind: "exec" }>): string {
  if (action.controlSequence) return controlSequenceBytes(action.text);
  const text = action.text.replace(/\r?\n$/, "").replace(/\r?\n/g, "\r");
  return action.newline ? `${text}\r` : text;
}

/** `^C` → "\x03", `^D` → "\x04"...; other text is sent as it is. */
export function controlSequenceBytes(text: string): string {
  return text
    .trim()
    .replace(/\^([@A-Z[\\\]^_a-z?])/g, (_match, key: string) =>
      key === "?" ? "\x7f" : String.fromCharCode(key.toUpperCase().charCodeAt(0) - 64),
    );
}

export interface TerminalTab {
  id: string;
  title: string;
  host: string;
}

/**
 * The terminal an exec action types into: its terminal id when given (an unknown one is opened on
 * demand on the first host, KataCoda's T2...), else the first terminal on its host (opened on demand
 * when that host has none), else the first terminal.
 */
export function terminalFor(
  action: Pick<Extract<PageAction, { kind: "exec" }>, "host" | "terminal">,
  terminals: readonly TerminalTab[],
  hosts: readonly string[],
): TerminalTab | undefined {
  const firstHost = hosts[0] ?? terminals[0]?.host;
  if (action.terminal) {
    const known = terminals.find((terminal) => terminal.id === action.terminal);
    if (known) return known;
    const host = action.host ?? firstHost;
    return host ? { id: action.terminal, title: `Terminal ${action.terminal}`, host } : undefined;
  }
  if (action.host) {
    const onHost = terminals.find((terminal) => terminal.host === action.host);
    if (onHost) return onHost;
    return hosts.includes(action.host) ? { id: action.host, title: action.host, host: action.host } : undefined;
  }
  return terminals[0];
}

/** A file's new content after a KataCoda `<pre class="file">` block is applied in `mode`. */
export function applyFileMode(current: string, text: string, mode: FileMode): string {
  switch (mode) {
    case "append":
      return current === "" || current.endsWith("\n") ? current + text : `${current}\n${text}`;
    case "prepend":
      return text.endsWith("\n") || current === "" ? text + current : `${text}\n${current}`;
    default:
      return text;
  }
}
