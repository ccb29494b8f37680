// Tells the learners whose host stopped on its own (its machine lost on Swarm, an OOM or disk-quota kill,
// PID 1 gone): the runtime reports each stop, the run gets a `host.stopped` (or `host.node_lost`) event in
// the database and its view is pushed to the player's run stream at once (run-stream.ts), with a Restart.
// Stops that arrive together (a whole node lost) are looked up in one query.
import type { HostState } from "@circus/sandbox";
import type { ServerContext } from "../context";

/** Collects the stops of one moment before looking their runs up. */
const BATCH_MS = 200;

/** Subscribes to the runtime's host stops; returns the dispose function. */
export function watchHostStops(context: ServerContext): () => void {
  const { runtime, db, logger, runEvents } = context;
  let pending = new Map<string, HostState[]>();
  let timer: NodeJS.Timeout | undefined;

  const flush = async () => {
    timer = undefined;
    const stops = pending;
    pending = new Map();
    try {
      const active = await db.listRunsByStatus({ statuses: ["ready"], limit: 10_000 });
      for (const run of active) {
        const states = run.environmentId ? stops.get(run.environmentId) : undefined;
        for (const state of states ?? []) {
          await db.recordEvent({
            type: state.nodeLost === undefined ? "host.stopped" : "host.node_lost",
            runId: run.id,
            learnerId: run.learnerId,
            data: {
              host: state.name,
              ...(state.nodeLost === undefined ? { exitCode: state.exitCode } : { node: state.nodeLost }),
            },
          });
          logger.warn({ run: run.id, host: state.name, node: state.nodeLost }, "a learner's host stopped");
        }
        // The player's stream builds the view (with the host states) from the record it is given.
        if (states) runEvents.publish(run);
      }
    } catch (error) {
      logger.warn({ err: error }, "could not tell learners that their hosts stopped");
    }
  };

  const unsubscribe = runtime.onHostStopped((environmentId, state) => {
    const states = pending.get(environmentId) ?? [];
    states.push(state);
    pending.set(environmentId, states);
    timer ??= setTimeout(() => void flush(), BATCH_MS);
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
