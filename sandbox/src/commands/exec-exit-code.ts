// The exit code of a finished exec. The engine may report it a few milliseconds after the
// exec's output stream ended, so this polls briefly.
import type Dockerode from "dockerode";
import { callEngine } from "../environments/engine-failures";

const POLL_MS = 10;
const MAX_POLLS = 300;

/** The exec's exit code, or -1 when the engine never reports one. */
export async function execExitCode(exec: Dockerode.Exec): Promise<number> {
  for (let poll = 0; poll < MAX_POLLS; poll += 1) {
    const inspected = await callEngine(() => exec.inspect());
    if (!inspected.Running && inspected.ExitCode !== null) return inspected.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return -1;
}
