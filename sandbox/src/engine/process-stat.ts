// One process's /proc/<pid>/stat, parsed once for everything that reads it (the engine's CPU weight, the load
// test's and the benchmarks' resource samples). The command name may hold spaces and parentheses: the fields
// after its last ")" are fixed.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface ProcessStat {
  /** The command name (up to 15 characters, as the kernel keeps it). */
  name: string;
  /** One letter: R running, S sleeping, Z zombie, and so on. */
  state: string;
  parentPid: number;
  /** CPU time in clock ticks: the process's own (user, system) and that of its waited-for children. */
  userTicks: number;
  systemTicks: number;
  childrenUserTicks: number;
  childrenSystemTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/** The fields of a stat line, or undefined when it is not one. */
export function parseProcessStat(text: string): ProcessStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  // Counted from the state (field 3 in proc(5)): ppid is 4, utime..cstime 14..17, rss 24.
  const fields = text.slice(close + 2).split(" ");
  if (fields.length < 22) return undefined;
  return {
    name: text.slice(open + 1, close),
    state: fields[0] ?? "",
    parentPid: Number(fields[1]),
    userTicks: Number(fields[11]),
    systemTicks: Number(fields[12]),
    childrenUserTicks: Number(fields[13]),
    childrenSystemTicks: Number(fields[14]),
    rssPages: Number(fields[21]),
  };
}

/** The process's stat, or undefined when it ended (or never was). */
export async function readProcessStat(pid: number | string, procRoot = "/proc"): Promise<ProcessStat | undefined> {
  const text = await readFile(join(procRoot, String(pid), "stat"), "utf8").catch(() => undefined);
  return text === undefined ? undefined : parseProcessStat(text);
}

/** The same, synchronously (for a check between two steps of a synchronous loop). */
export function readProcessStatSync(pid: number | string, procRoot = "/proc"): ProcessStat | undefined {
  try {
    return parseProcessStat(readFileSync(join(procRoot, String(pid), "stat"), "utf8"));
  } catch {
    return undefined;
  }
}
