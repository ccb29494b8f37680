// The KataCoda format has no solve scripts: its solution is the commands a learner clicks on the
// page. For such steps the self-test runs those commands, grouped per host, as a learner's shell would.
import { type Action, type Scenario, type Script, type Step, scanDirectives } from "@circus/scenario";

/** Seconds each group of page commands may run. */
const PAGE_COMMANDS_TIMEOUT_SECONDS = 120;

/**
 * The step's runnable exec actions as scripts, one per run of consecutive commands on the same host
 * (so a `cd` carries over, as in a terminal). Control sequences (Ctrl-C) are left out.
 */
export function pageCommandScripts(
  scenario: Scenario,
  step: Step,
): Pick<Script, "script" | "host" | "timeoutSeconds">[] {
  const { actions } = scanDirectives(step.markdown, step.source, { hosts: scenario.hosts.map((host) => host.name) });
  const scripts: { script: string; host: string; timeoutSeconds: number }[] = [];
  for (const action of actions) {
    if (action.kind !== "exec" || action.controlSequence || action.text.trim() === "") continue;
    const host = hostOfAction(scenario, action);
    const last = scripts.at(-1);
    if (last && last.host === host) last.script += `\n${action.text}`;
    else scripts.push({ script: action.text, host, timeoutSeconds: PAGE_COMMANDS_TIMEOUT_SECONDS });
  }
  return scripts;
}

function hostOfAction(scenario: Scenario, action: Action): string {
  if (action.host) return action.host;
  const terminal = scenario.terminals.find((candidate) => candidate.id === action.terminal);
  return terminal?.host ?? scenario.hosts[0]?.name ?? "";
}
