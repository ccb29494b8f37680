// Server-Sent Events on a plain Node response: named events with JSON data, a comment heartbeat that
// keeps proxies from closing an idle stream, and one close path (client gone or server side).
import type { IncomingMessage, ServerResponse } from "node:http";

export interface EventStream {
  /** Sends `event: <name>` with `data` as JSON; a no-op once closed. */
  send(event: string, data: unknown): void;
  /** Ends the response; the `onClose` callbacks run once. */
  close(): void;
  /** Runs when the stream closes, from either side. Returns its dispose function. */
  onClose(callback: () => void): () => void;
  readonly closed: boolean;
}

export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: { heartbeatMs: number; onHeartbeat?: () => void },
): EventStream {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    // nginx and similar proxies buffer responses unless told not to.
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  res.write(": connected\n\n");
  const callbacks = new Set<() => void>();
  let closed = false;
  const heartbeat = setInterval(() => {
    res.write(": heartbeat\n\n");
    options.onHeartbeat?.();
  }, options.heartbeatMs);
  heartbeat.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const callback of [...callbacks]) callback();
    callbacks.clear();
  };
  req.on("close", finish);
  res.on("close", finish);
  return {
    send(event, data) {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (!closed) res.end();
      finish();
    },
    onClose(callback) {
      if (closed) {
        callback();
        return () => undefined;
      }
      callbacks.add(callback);
      return () => callbacks.delete(callback);
    },
    get closed() {
      return closed;
    },
  };
}
