// The two live streams (Server-Sent Events): the instructor's dashboard (`snapshot`, then `row`, `funnel`,
// `reserve`, `ended`) and a learner's workshop channel (`hello`, `message`, `watching`, `ended`).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Workshop } from "@circus/db";
import type { ServerContext } from "../context";
import { takeStreamSlot } from "../http/stream-slots";
import type { InstructorSessionRef } from "../instructors/instructor-session";
import { openEventStream } from "./event-stream";
import { requireParticipation } from "./workshop-access";
import { type DashboardRow, dashboardRow, dashboardSnapshot, funnelOf } from "./workshop-dashboard";
import { toLearnerWorkshopView } from "./workshop-views";

/** Row updates of one learner are coalesced over this long (a check writes several records). */
const ROW_DEBOUNCE_MS = 100;

export async function streamDashboard(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  session: InstructorSessionRef,
  workshop: Workshop,
): Promise<void> {
  const { bus, sessionStreams, heartbeatMs } = context.workshops;
  const slot = takeStreamSlot(context, `instructor:${session.tokenHash}`);
  let snapshot: Awaited<ReturnType<typeof dashboardSnapshot>>;
  try {
    snapshot = await dashboardSnapshot(context, workshop);
  } catch (error) {
    slot();
    throw error;
  }
  const rows = new Map<string, DashboardRow>(snapshot.rows.map((row) => [row.participantId, row]));
  const stream = openEventStream(req, res, {
    heartbeatMs,
    // A session that expired (or was deleted elsewhere) ends its dashboards at the next heartbeat.
    onHeartbeat: () =>
      void context.db.findInstructorSession(session.tokenHash).then(
        (found) => found === null && stream.close(),
        () => undefined,
      ),
  });
  stream.onClose(slot);
  sessionStreams.add(session.tokenHash, stream);
  stream.send("snapshot", snapshot);
  stream.send("reserve", context.workshops.reservations.stats(workshop.id));
  const pending = new Map<string, NodeJS.Timeout>();
  const refresh = async (learnerId: string) => {
    pending.delete(learnerId);
    try {
      const row = await dashboardRow(context, workshop, learnerId);
      if (!row || stream.closed) return;
      rows.set(row.participantId, row);
      stream.send("row", row);
      stream.send("funnel", funnelOf(context, workshop, [...rows.values()]));
    } catch (error) {
      context.logger.warn({ err: error, workshop: workshop.id }, "could not refresh a dashboard row");
    }
  };
  const unsubscribe = bus.onDashboard(workshop.id, (notice) => {
    if (notice.type === "participant") {
      if (!pending.has(notice.learnerId)) {
        pending.set(
          notice.learnerId,
          setTimeout(() => void refresh(notice.learnerId), ROW_DEBOUNCE_MS),
        );
      }
    } else if (notice.type === "reserve") {
      stream.send("reserve", notice.reserve);
    } else {
      stream.send("ended", { at: notice.at });
    }
  });
  stream.onClose(() => {
    unsubscribe();
    for (const timer of pending.values()) clearTimeout(timer);
  });
}

export async function streamLearnerWorkshop(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  learnerId: string,
): Promise<void> {
  const slot = takeStreamSlot(context, `learner:${learnerId}`);
  let found: Awaited<ReturnType<typeof requireParticipation>>;
  try {
    found = await requireParticipation(context, learnerId);
  } catch (error) {
    slot();
    throw error;
  }
  const { workshop, participant } = found;
  const { bus, heartbeatMs } = context.workshops;
  const stream = openEventStream(req, res, { heartbeatMs });
  stream.onClose(slot);
  stream.send("hello", {
    workshop: toLearnerWorkshopView(context, workshop, participant),
    watched: bus.isWatched(workshop.id, learnerId),
  });
  if (workshop.endedAt !== null) {
    stream.send("ended", { at: workshop.endedAt.toISOString() });
    stream.close();
    return;
  }
  const unsubscribe = bus.onLearner(workshop.id, learnerId, (notice) => {
    if (notice.type === "message") stream.send("message", { text: notice.text, at: notice.at });
    else if (notice.type === "watching") stream.send("watching", { on: notice.on });
    else {
      stream.send("ended", { at: notice.at });
      stream.close();
    }
  });
  stream.onClose(unsubscribe);
}
