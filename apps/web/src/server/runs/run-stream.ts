// The player's live view of one run (GET /api/runs/:runId/events, Server-Sent Events): `run` with the
// current view at once, then again at every write of the run's record (run-events.ts), so the page learns
// that its lab is ready without polling. Only the run's learner may open it (404 otherwise, like the
// run's other routes); one stream per learner and run (a newer one gets it, the older hears `replaced`);
// it ends once the run ended (after sending that view), at shutdown, and after the longest run lifetime.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Run } from "@circus/db";
import { savingAllowed } from "../checkpoints/saving-allowed";
import type { ServerContext } from "../context";
import { takeStreamSlot } from "../http/stream-slots";
import { openEventStream } from "../workshops/event-stream";
import { hostStateViews } from "./host-state-views";
import { requireOwnedRun } from "./run-access";
import { MAX_RUN_LIFETIME_SECONDS } from "./run-lifecycle";
import { toRunView } from "./run-view";

/** No run lives longer than its longest lifetime: neither does a stream that follows one. */
const STREAM_DEADLINE_MS = (MAX_RUN_LIFETIME_SECONDS + 60) * 1000;

function isLive(run: Pick<Run, "status">): boolean {
  return run.status === "starting" || run.status === "ready";
}

export async function streamRun(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  learnerId: string,
  runId: string,
): Promise<void> {
  const releaseSlot = takeStreamSlot(context, `learner:${learnerId}`);
  let owned: Awaited<ReturnType<typeof requireOwnedRun>>;
  try {
    owned = await requireOwnedRun(context, learnerId, runId);
  } catch (error) {
    releaseSlot();
    throw error;
  }
  const { scenario } = owned;
  const { runEvents, db, logger } = context;

  // Changes are coalesced: while a view is being built, only the newest record waits for the next one.
  let latest: Run = owned.run;
  let waiting: Run | undefined;
  let building = false;
  const sendViews = async () => {
    if (building) return;
    building = true;
    try {
      while (waiting && !stream.closed) {
        const run = waiting;
        waiting = undefined;
        const hostStates = run.status === "ready" ? hostStateViews(context, run.environmentId) : undefined;
        const view = toRunView(run, scenario, await db.listStepProgress(run.id), {
          hostStates,
          savingAllowed: await savingAllowed(context, run),
        });
        stream.send("run", { run: view });
        if (!isLive(run)) stream.close();
      }
    } catch (error) {
      logger.warn({ err: error, run: runId }, "could not send a run's view; the stream ends");
      stream.close();
    } finally {
      building = false;
    }
  };
  const changed = (run: Run) => {
    latest = run;
    waiting = run;
    void sendViews();
  };

  const stream = openEventStream(req, res, {
    heartbeatMs: context.workshops.heartbeatMs,
    // A change this process did not see (another server on the same database) shows at the next heartbeat.
    onHeartbeat: () =>
      void db.getRun(runId).then(
        (run) => {
          if (!run) stream.close();
          else if (run.status !== latest.status || run.stage !== latest.stage) changed(run);
        },
        () => undefined,
      ),
  });
  stream.onClose(releaseSlot);
  const unsubscribe = runEvents.subscribe(runId, changed);
  stream.onClose(unsubscribe);
  const unclaim = runEvents.claimStream(learnerId, runId, {
    close: (why) => {
      if (why === "replaced") stream.send("replaced", {});
      stream.close();
    },
  });
  stream.onClose(unclaim);
  const deadline = setTimeout(() => stream.close(), STREAM_DEADLINE_MS);
  deadline.unref();
  stream.onClose(() => clearTimeout(deadline));
  // Read again now that changes are heard: one written between the first read and the subscription counts.
  const fresh = await db.getRun(runId).catch(() => undefined);
  if (waiting === undefined && !stream.closed) {
    waiting = fresh ?? latest;
    latest = waiting;
  }
  await sendViews();
}
