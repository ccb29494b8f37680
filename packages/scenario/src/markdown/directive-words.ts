// Reads the words of an action, the one parser shared by the scanner and the renderer: KataCoda
// directives (`{{execute interrupt T2}}`) and native fenced-block info strings (`bash exec host=node2`).
import { suggestWord } from "./suggest-word";

export type ActionKeyword = "exec" | "copy" | "open";

/** What an action does, before it is tied to a piece of code and a place in a file. */
export interface ActionOptions {
  kind: ActionKeyword;
  host?: string;
  terminal?: string;
  interrupt: boolean;
  newline: boolean;
  controlSequence: boolean;
  path?: string;
  /** A `HOSTn` that names no declared host: the action has no valid target. */
  unresolvedHost?: string;
}

/** A problem with the words of one directive or info string, reported at its position. */
export interface WordIssue {
  severity: "error" | "warning";
  code: string;
  message: string;
  fix?: string;
}

export type DirectiveReading =
  /** `{{execute}}`, `{{copy}}`, `{{open}}` and their options. */
  | { kind: "action"; options: ActionOptions; issues: WordIssue[] }
  /** `{{}}`: shown as plain code, not clickable. */
  | { kind: "plain"; issues: WordIssue[] }
  /** A misspelt directive such as `{{exeute}}`: left as text, with a warning. */
  | { kind: "typo"; issues: WordIssue[] }
  /** Not a directive at all (`{{ .Values.x }}`, `{{fmt}}`): left as text, silently. */
  | { kind: "template"; issues: WordIssue[] };

export interface InfoReading {
  /** The action the info string asks for, if any. */
  options?: ActionOptions;
  /** The language left once the action words are taken out (`bash` of `bash exec`). */
  language?: string;
  issues: WordIssue[];
}

const ACTION_WORDS: Readonly<Record<string, ActionKeyword>> = {
  execute: "exec",
  exec: "exec",
  copy: "copy",
  open: "open",
};
const ACTION_WORD_LIST = Object.keys(ACTION_WORDS);
const FLAG_WORDS = ["interrupt", "ctrl-seq", "no-newline"] as const;
const EXEC_ONLY = "only exec actions take terminal, host, interrupt, ctrl-seq and no-newline options";
/** Info-string roles the native loader takes out of the page; never typos of an action. */
const HIDDEN_ROLES = new Set(["setup", "foreground", "verify", "solve", "hint", "quiz"]);
const MAX_WORDS = 32;

/** Reads the text between `{{` and `}}`. `hosts` are the scenario's host names in order, for `HOSTn`. */
export function readDirective(inner: string, hosts: readonly string[]): DirectiveReading {
  const trimmed = inner.trim();
  if (trimmed === "") return { kind: "plain", issues: [] };
  const words = trimmed.split(/[ \t]+/).slice(0, MAX_WORDS);
  const first = words[0] ?? "";
  const kind = ACTION_WORDS[first.toLowerCase()];
  if (!kind) {
    const directiveShaped =
      inner === trimmed && /^[A-Za-z][A-Za-z-]*$/.test(first) && words.every((w) => /^[A-Za-z0-9-]+$/.test(w));
    const suggestion = directiveShaped ? suggestWord(first, ACTION_WORD_LIST) : undefined;
    if (!suggestion) return { kind: "template", issues: [] };
    const meant = `{{${[suggestion, ...words.slice(1)].join(" ")}}}`;
    return {
      kind: "typo",
      issues: [
        {
          severity: "warning",
          code: "directive-typo",
          message: `unknown directive {{${trimmed}}}: did you mean ${meant}?`,
          fix: `write ${meant}, or escape the braces if this is meant as text`,
        },
      ],
    };
  }
  const issues: WordIssue[] = [];
  const options = readOptions(kind, words.slice(1), hosts, issues);
  const canonical = [first.toLowerCase(), ...words.slice(1).map(canonicalWord)];
  if (canonical.some((word, i) => word !== words[i])) {
    const written = `{{${canonical.join(" ")}}}`;
    issues.push({
      severity: "warning",
      code: "directive-case",
      message: `{{${trimmed}}} works, but directives are written ${written}`,
      fix: `write ${written}`,
    });
  }
  return { kind: "action", options, issues };
}

/** Reads a fenced block's info string: an optional language, then `exec`, `copy` or `open` and options. */
export function readInfoString(info: string, hosts: readonly string[]): InfoReading {
  const words = tokenizeInfo(info.slice(0, 2000));
  if (words.length === 0) return { issues: [] };
  const at = ACTION_WORDS[(words[0] ?? "").toLowerCase()] ? 0 : ACTION_WORDS[(words[1] ?? "").toLowerCase()] ? 1 : -1;
  if (at < 0) {
    const second = words[1] ?? "";
    const suggestion =
      /^[A-Za-z][A-Za-z-]*$/.test(second) && !HIDDEN_ROLES.has(second.toLowerCase())
        ? suggestWord(second, ["exec", "copy", "open"])
        : undefined;
    const issues: WordIssue[] = suggestion
      ? [
          {
            severity: "warning",
            code: "directive-typo",
            message: `unknown code block keyword "${second}": did you mean "${suggestion}"?`,
            fix: `write \`\`\`${words[0]} ${suggestion}, or remove the word to show a plain block`,
          },
        ]
      : [];
    return { language: words[0], issues };
  }
  const keyword = words[at] ?? "";
  const kind = ACTION_WORDS[keyword.toLowerCase()] ?? "exec";
  const issues: WordIssue[] = [];
  const options = readOptions(kind, words.slice(at + 1), hosts, issues);
  if (keyword !== keyword.toLowerCase()) {
    issues.push({
      severity: "warning",
      code: "directive-case",
      message: `"${keyword}" works, but code block keywords are written "${keyword.toLowerCase()}"`,
      fix: `write ${keyword.toLowerCase()}`,
    });
  }
  if (kind === "open" && !options.path) {
    issues.push({
      severity: "error",
      code: "directive-missing-path",
      message: "an open block needs the file to open",
      fix: "add path=/the/file to the info string, e.g. ```yaml open path=/root/app.yaml",
    });
  }
  return { options, language: at === 1 ? words[0] : undefined, issues };
}

function readOptions(kind: ActionKeyword, words: readonly string[], hosts: readonly string[], issues: WordIssue[]) {
  const options: ActionOptions = { kind, interrupt: false, newline: true, controlSequence: false };
  for (const word of words) {
    const lower = word.toLowerCase();
    const keyValue = /^(host|terminal|path)=(.*)$/i.exec(word);
    const terminal = /^t(\d{1,4})$/i.exec(word);
    const host = /^host(\d{1,4})$/i.exec(word);
    if (keyValue) {
      const key = (keyValue[1] ?? "").toLowerCase();
      const value = unquote(keyValue[2] ?? "");
      if (key === "path") options.path = value;
      else if (key === "terminal") options.terminal = value;
      else resolveHost(value, options, hosts, issues);
      if (key !== "path" && kind !== "exec") issues.push(optionIssue(word, EXEC_ONLY));
    } else if (terminal || host || (FLAG_WORDS as readonly string[]).includes(lower)) {
      if (terminal) options.terminal = String(Number(terminal[1]));
      else if (host) resolveHost(word, options, hosts, issues);
      else if (lower === "interrupt") options.interrupt = true;
      else if (lower === "ctrl-seq") options.controlSequence = true;
      else options.newline = false;
      if (kind !== "exec") issues.push(optionIssue(word, EXEC_ONLY));
    } else {
      const suggestion = /^[A-Za-z-]+$/.test(word) ? suggestWord(word, FLAG_WORDS) : undefined;
      issues.push(
        optionIssue(
          word,
          suggestion
            ? `did you mean ${suggestion}?`
            : "known options are T<n>, HOST<n>, interrupt, ctrl-seq, no-newline, host=, terminal=, path=",
        ),
      );
    }
  }
  return options;
}

/** Resolves `HOSTn` to the n-th declared host; any other value is taken as a host name. */
function resolveHost(value: string, options: ActionOptions, hosts: readonly string[], issues: WordIssue[]): void {
  const numbered = /^host(\d{1,4})$/i.exec(value);
  if (!numbered) {
    options.host = value;
    return;
  }
  const n = Number(numbered[1]);
  const name = n >= 1 ? hosts[n - 1] : undefined;
  if (name) {
    options.host = name;
    return;
  }
  options.unresolvedHost = `HOST${n}`;
  issues.push({
    severity: "error",
    code: "directive-host",
    message: `HOST${n} but the scenario declares ${hosts.length} host${hosts.length === 1 ? "" : "s"}`,
    fix: `use HOST1${hosts.length > 1 ? ` to HOST${hosts.length}` : ""}, or declare more hosts`,
  });
}

function optionIssue(word: string, fix: string): WordIssue {
  return { severity: "warning", code: "directive-option", message: `option "${word}" is not understood here`, fix };
}

function canonicalWord(word: string): string {
  if (/^t\d{1,4}$/i.test(word) || /^host\d{1,4}$/i.test(word)) return word.toUpperCase();
  const lower = word.toLowerCase();
  return (FLAG_WORDS as readonly string[]).includes(lower) ? lower : word;
}

/** Splits an info string into words; `key="a value"` stays one word. */
function tokenizeInfo(info: string): string[] {
  return (info.match(/[^\s=]+="[^"]*"|[^\s=]+='[^']*'|\S+/g) ?? []).slice(0, MAX_WORDS);
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) && value.length >= 2 ? value.slice(1, -1) : value;
}
