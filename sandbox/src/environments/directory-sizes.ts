// Measures directories' bytes on disk with `du` run by one long-lived helper shell, so the server never
// forks itself to measure: spawning a process from a Node process of a few hundred MiB blocks its event loop
// for the fork (about 60 ms per spawn, up to 240 ms, measured on the reference machine), which every open
// terminal felt as a keystroke echo late by that much every round of the disk quota watch.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

/** Printed by the helper after each answer (a line no `du` output line can be). */
const END_MARKER = "\u0001end";
/**
 * Reads directory paths, one per line; an empty line runs one `du` for the paths read so far and prints the
 * end marker. Allocated blocks (a sparse file costs what it takes); -x stays on that filesystem; a directory
 * du cannot read is left out (du then exits 1 with the others still measured).
 */
const HELPER_SCRIPT = `while IFS= read -r dir; do
  if [ -n "$dir" ]; then set -- "$@" "$dir"; continue; fi
  if [ $# -gt 0 ]; then du -sx --block-size=1 -- "$@" 2>/dev/null; fi
  printf '\\001end\\n'
  set --
done`;

export class DirectorySizes {
  #helper: ChildProcessWithoutNullStreams | undefined;
  #busy = false;

  constructor(private readonly timeoutMs: number) {}

  /** The helper's PID (started at the first measure, or by `start`); undefined when none runs. */
  get helperPid(): number | undefined {
    return this.#helper?.pid;
  }

  /** Starts the helper now (while the process is still small, the fork is cheapest). */
  start(): void {
    this.#ensureHelper();
  }

  /**
   * Bytes on disk of each directory (a directory that could not be read has no entry). One measure at a
   * time; a helper that does not answer within the timeout is killed (the next measure starts another).
   */
  async measure(directories: readonly string[]): Promise<Map<string, number>> {
    if (this.#busy) throw new Error("a measure is already running");
    for (const directory of directories) {
      if (directory === "" || /[\n\r]/.test(directory)) throw new Error(`not a measurable directory: ${directory}`);
    }
    this.#busy = true;
    try {
      return parseDu(await this.#ask(directories));
    } finally {
      this.#busy = false;
    }
  }

  /** Ends the helper. */
  dispose(): void {
    const helper = this.#helper;
    this.#helper = undefined;
    helper?.kill("SIGKILL");
  }

  #ensureHelper(): ChildProcessWithoutNullStreams {
    if (this.#helper && this.#helper.exitCode === null && this.#helper.signalCode === null) return this.#helper;
    const helper = spawn("sh", ["-c", HELPER_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    helper.stdout.setEncoding("utf8");
    helper.stderr.resume();
    helper.stdin.on("error", () => undefined);
    helper.once("exit", () => {
      if (this.#helper === helper) this.#helper = undefined;
    });
    // The helper never keeps the process alive on its own.
    helper.unref();
    for (const stream of [helper.stdin, helper.stdout, helper.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
    this.#helper = helper;
    return helper;
  }

  #ask(directories: readonly string[]): Promise<string> {
    const helper = this.#ensureHelper();
    return new Promise((resolve, reject) => {
      let output = "";
      const finish = (error: Error | undefined) => {
        clearTimeout(timer);
        helper.stdout.off("data", onData);
        helper.off("exit", onExit);
        if (error) reject(error);
        else resolve(output);
      };
      const onData = (chunk: string) => {
        output += chunk;
        const end = output.indexOf(`${END_MARKER}\n`);
        if (end !== -1) {
          output = output.slice(0, end);
          finish(undefined);
        }
      };
      const onExit = () => finish(new Error("the du helper exited"));
      const timer = setTimeout(() => {
        finish(new Error(`du did not answer within ${this.timeoutMs} ms`));
        if (this.#helper === helper) this.#helper = undefined;
        helper.kill("SIGKILL");
      }, this.timeoutMs);
      helper.stdout.on("data", onData);
      helper.once("exit", onExit);
      helper.stdin.write(`${directories.join("\n")}${directories.length > 0 ? "\n" : ""}\n`);
    });
  }
}

/** `du -s` output ("<bytes>\t<path>" lines) as bytes by path. */
export function parseDu(stdout: string): Map<string, number> {
  const used = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0) used.set(line.slice(tab + 1), Number.parseInt(line.slice(0, tab), 10));
  }
  return used;
}
