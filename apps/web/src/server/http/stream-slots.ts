// The slot every live event stream (SSE) takes before its first await: per learner or instructor session
// and on the whole server (`CIRCUS_EVENT_STREAMS_PER_HOLDER`, `_MAX`); over a cap the answer is a 429.
import type { ServerContext } from "../context";
import { AppError } from "./errors";

/** Seconds a client refused an event stream is asked to wait (EventSource retries on its own). */
const STREAM_RETRY_AFTER_SECONDS = 10;

/** Takes an event-stream slot for `holder` before any await; returns its release, or throws 429. */
export function takeStreamSlot(context: ServerContext, holder: string): () => void {
  const slot = context.eventStreams.take(holder);
  if (slot.ok) return slot.release;
  throw new AppError(
    "too_many_streams",
    slot.reason === "holder"
      ? "Too many live views are open for you: close other tabs of this page, then reload."
      : "The server has too many live views open right now. Reload in a few seconds.",
    { retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS },
  );
}
