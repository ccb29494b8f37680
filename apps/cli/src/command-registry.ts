// Every `circus` command. Adding one is a new file in commands/ and one line in this list.
import type { Command } from "./command";
import { devCommand } from "./commands/dev";
import { exportCommand } from "./commands/export";
import { importCommand } from "./commands/import";
import { loadtestCommand } from "./commands/loadtest";
import { newCommand } from "./commands/new";
import { testCommand } from "./commands/test";
import { validateCommand } from "./commands/validate";

export const commands: readonly Command[] = [
  validateCommand,
  testCommand,
  newCommand,
  devCommand,
  importCommand,
  exportCommand,
  loadtestCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}

/** The known command closest to a mistyped `name` (edit distance at most 2), if any. */
export function suggestCommand(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const command of commands) {
    const distance = editDistance(name.toLowerCase(), command.name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: command.name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
