// The KataCoda format has no solve scripts: its solution is what a learner clicks on the page. For such
// steps the self-test runs those commands, grouped per host, as a learner's shell would, and writes the
// page's "copy to editor" blocks into their files as the player's editor does.
import {
  type Action,
  editorFilePath,
  editorRootOf,
  resolveCommandPlaceholders,
  type Scenario,
  type Script,
  type Step,
  scanDirectives,
} from "@circus/scenario";

/** Seconds each group of page commands may run. */
const PAGE_COMMANDS_TIMEOUT_SECONDS = 120;

/**
 * The step's runnable actions as scripts, one per run of consecutive actions on the same host (so a `cd`
 * carries over, as in a terminal): exec actions as typed, file blocks as the write the editor makes.
 * Control sequences (Ctrl-C) and clipboard-only blocks are left out.
 */
export function pageCommandScripts(
  scenario: Scenario,
  step: Step,
): Pick<Script, "script" | "host" | "timeoutSeconds">[] {
  const { actions } = scanDirectives(step.markdown, step.source, { hosts: scenario.hosts.map((host) => host.name) });
  const scripts: { script: string; host: string; timeoutSeconds: number }[] = [];
  for (const action of actions) {
    const command = commandOf(scenario, action);
    if (!command) continue;
    const last = scripts.at(-1);
    if (last && last.host === command.host) last.script += `\n${command.script}`;
    else scripts.push({ ...command, timeoutSeconds: PAGE_COMMANDS_TIMEOUT_SECONDS });
  }
  return scripts;
}

function commandOf(scenario: Scenario, action: Action): { script: string; host: string } | undefined {
  if (action.kind === "exec") {
    if (action.controlSequence || action.text.trim() === "") return undefined;
    const hosts = scenario.hosts.map((host) => host.name);
    return { script: resolveCommandPlaceholders(action.text, hosts), host: hostOfAction(scenario, action) };
  }
  if (action.kind === "file" && action.path && action.fileMode !== "clipboard") {
    const host = scenario.editor?.host ?? scenario.hosts[0]?.name ?? "";
    const path = editorFilePath(action.path, editorRootOf(scenario)).replace(/^~(?=\/|$)/, "/root");
    return { script: fileWriteScript(path, action.text, action.fileMode ?? "replace"), host };
  }
  return undefined;
}

/**
 * A script that applies a file block as the player's editor does (`applyFileMode` in the web app):
 * replace (and insert) write the text; append and prepend add a line break between old and new text
 * when the one before does not end with one.
 */
export function fileWriteScript(path: string, text: string, mode: NonNullable<Action["fileMode"]>): string {
  const file = quote(path);
  const content = `printf %s ${quote(Buffer.from(text, "utf8").toString("base64"))} | base64 -d`;
  const prepare = `mkdir -p -- "$(dirname -- ${file})"`;
  switch (mode) {
    case "append":
      return `${prepare}; if [ -s ${file} ] && [ -n "$(tail -c1 -- ${file})" ]; then echo >> ${file}; fi; ${content} >> ${file}`;
    case "prepend":
      return [
        `${prepare}; circus_tmp=$(mktemp); ${content} > "$circus_tmp"`,
        `if [ -s ${file} ] && [ -s "$circus_tmp" ] && [ -n "$(tail -c1 -- "$circus_tmp")" ]; then echo >> "$circus_tmp"; fi`,
        `cat -- ${file} >> "$circus_tmp" 2>/dev/null; cat "$circus_tmp" > ${file}; rm -f "$circus_tmp"`,
      ].join("; ");
    default:
      return `${prepare}; ${content} > ${file}`;
  }
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function hostOfAction(scenario: Scenario, action: Action): string {
  if (action.host) return action.host;
  const terminal = scenario.terminals.find((candidate) => candidate.id === action.terminal);
  return terminal?.host ?? scenario.hosts[0]?.name ?? "";
}
