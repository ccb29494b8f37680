// Which shell a terminal id names in a lab: a terminal the scenario declares (its host and command),
// or an on-demand one ("1".."9") on the first host. Anything else is refused before the upgrade.
import type { Lab } from "@circus/lab";
import { ON_DEMAND_TERMINAL_IDS } from "../../contract/terminal-protocol";

export interface TerminalTarget {
  terminalId: string;
  host: string;
  /** The declared terminal's command; a login shell when absent. */
  command?: string[];
}

export type TargetResolution = { ok: true; target: TerminalTarget } | { ok: false; status: 400 | 404; message: string };

export function resolveTerminalTarget(
  lab: Pick<Lab, "scenario" | "environment">,
  terminalId: string,
  requestedHost: string | undefined,
): TargetResolution {
  const { scenario, environment } = lab;
  if (requestedHost !== undefined && !environment.hosts.some((host) => host.name === requestedHost)) {
    return { ok: false, status: 404, message: `the lab has no host ${requestedHost}` };
  }
  const declared = scenario.terminals.find((terminal) => terminal.id === terminalId);
  const onDemand = (ON_DEMAND_TERMINAL_IDS as readonly string[]).includes(terminalId);
  if (!declared && !onDemand) {
    return { ok: false, status: 404, message: `the scenario has no terminal ${terminalId}` };
  }
  const hostName = declared?.host ?? environment.hosts[0]?.name;
  const host = environment.hosts.find((candidate) => candidate.name === hostName);
  if (!host) return { ok: false, status: 404, message: `the lab has no host ${hostName ?? "at all"}` };
  if (requestedHost !== undefined && requestedHost !== host.name) {
    return {
      ok: false,
      status: 400,
      message: `terminal ${terminalId} runs on host ${host.name}, not ${requestedHost}`,
    };
  }
  return {
    ok: true,
    target: {
      terminalId,
      host: host.name,
      ...(declared?.command ? { command: declared.command } : {}),
    },
  };
}
