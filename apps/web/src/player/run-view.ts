// The run views the player reads from the runs API (declared once in contract/run-view.ts, parsed with
// zod at the boundary), and what the player derives from them.
import type { RunView } from "../contract/run-view";

// Types only: the browser does not load zod (it checks answers against contract-shapes.ts).
export type * from "../contract/run-view";

/** True while the environment is still being prepared. */
export function isStarting(run: Pick<RunView, "status">): boolean {
  return run.status === "starting";
}

/** True once the run can no longer be used (its environment is gone or going). */
export function isOver(run: Pick<RunView, "status">): boolean {
  return run.status === "finished" || run.status === "stopped" || run.status === "expired";
}
