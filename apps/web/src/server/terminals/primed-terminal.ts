// The shell a warm environment opens ahead for its learner: the terminal the player opens first (the
// scenario's first declared one, else an on-demand login shell on the first host), with exactly the
// command and environment the terminal gateway asks for, so that the gateway's open takes it over.
import type { Scenario } from "@circus/scenario";

/** The environment every learner terminal gets (the gateway's and the primed shell's must be equal). */
export const LEARNER_TERMINAL_ENV: Readonly<Record<string, string>> = { TERM: "xterm-256color" };

/** A size close to the player's first one; the shell is resized to the real one when it is taken over. */
const PRIMED_SIZE = { cols: 120, rows: 32 };

export function primedTerminalsOf(
  scenario: Pick<Scenario, "terminals">,
  hosts: readonly { name: string }[],
): { host: string; cols: number; rows: number; command?: string[]; env: Record<string, string> }[] {
  const [first] = scenario.terminals;
  const host = first?.host ?? hosts[0]?.name;
  if (host === undefined) return [];
  return [
    { host, ...PRIMED_SIZE, ...(first?.command ? { command: first.command } : {}), env: { ...LEARNER_TERMINAL_ENV } },
  ];
}
