// The recording of one step of `circus test`, in asciicast v2 like a learner's terminal: each phase
// (setup, verify before and after the solution, solve) is a marker, its script is shown as typed
// input and its output as output. Kept for failing steps, so an author can replay what happened.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { asciicastEventLine, asciicastHeaderLine } from "@circus/sandbox";

/** The most cast bytes one step keeps (outputs beyond it are cut, with a note). */
const MAX_TAPE_BYTES = 1024 * 1024;

export class StepTape {
  readonly #started = performance.now();
  readonly #lines: string[];
  #bytes = 0;
  #cut = false;

  constructor(title: string) {
    this.#lines = [
      asciicastHeaderLine({ version: 2, width: 120, height: 40, timestamp: Math.floor(Date.now() / 1000), title }),
    ];
  }

  phase(label: string): void {
    this.#add("m", label);
  }

  /** A script about to run, shown as if typed at a prompt. */
  typed(script: string): void {
    this.#add("o", `\r\n\x1b[1m$ ${script.trimEnd().replace(/\n/g, "\r\n> ")}\x1b[0m\r\n`);
  }

  printed(output: string, exitCode: number | null): void {
    if (output) this.#add("o", output.replace(/\r?\n/g, "\r\n"));
    this.#add("o", `\x1b[2m[exit ${exitCode ?? "none (timed out)"}]\x1b[0m\r\n`);
  }

  /** Writes `<dir>/<name>.cast` and returns its path. */
  async save(dir: string, name: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${name}.cast`);
    await writeFile(path, this.#lines.join(""));
    return path;
  }

  #add(code: "o" | "m", data: string): void {
    if (this.#cut) return;
    const line = asciicastEventLine((performance.now() - this.#started) / 1000, code, data);
    if (this.#bytes + line.length > MAX_TAPE_BYTES) {
      this.#cut = true;
      this.#lines.push(
        asciicastEventLine((performance.now() - this.#started) / 1000, "m", "recording cut: 1 MiB reached"),
      );
      return;
    }
    this.#bytes += line.length;
    this.#lines.push(line);
  }
}
