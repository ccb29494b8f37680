// Who answers an HTTP upgrade: the terminal WebSocket path is ours (reserved until the player lands),
// Next's hot-reload socket is Next's in dev, and anything else is refused.
import type { Duplex } from "node:stream";

/** The path prefix reserved for terminal WebSockets. */
export const TERMINAL_SOCKET_PREFIX = "/ws/";

export type UpgradeRoute =
  /** A terminal socket: not served yet, answered 404. */
  | "terminal"
  /** Leave it to Next's own upgrade listener (dev hot reload). */
  | "next"
  | "refuse";

export function routeUpgrade(url: string | undefined, dev: boolean): UpgradeRoute {
  const pathname = (url ?? "/").split("?")[0] ?? "/";
  if (pathname === TERMINAL_SOCKET_PREFIX.slice(0, -1) || pathname.startsWith(TERMINAL_SOCKET_PREFIX)) {
    return "terminal";
  }
  return dev ? "next" : "refuse";
}

/** Answers an upgrade with a plain HTTP status over the raw socket and closes it. */
export function rejectUpgrade(socket: Duplex, status: 400 | 404 | 503, reason: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
