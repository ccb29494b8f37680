// The live streams each instructor session holds open (dashboards, observer sockets), so that signing out
// (or a session found expired at a heartbeat) closes them: nothing live outlives the session that opened it.
import type { EventStream } from "./event-stream";

/** What a session holds open: a dashboard's event stream, or an observer's terminal socket. */
export type SessionStream = Pick<EventStream, "close" | "onClose">;

export class SessionStreams {
  readonly #streams = new Map<string, Set<SessionStream>>();

  add(sessionTokenHash: string, stream: SessionStream): void {
    let streams = this.#streams.get(sessionTokenHash);
    if (!streams) {
      streams = new Set();
      this.#streams.set(sessionTokenHash, streams);
    }
    streams.add(stream);
    stream.onClose(() => {
      streams.delete(stream);
      if (streams.size === 0 && this.#streams.get(sessionTokenHash) === streams) this.#streams.delete(sessionTokenHash);
    });
  }

  closeSession(sessionTokenHash: string): void {
    for (const stream of [...(this.#streams.get(sessionTokenHash) ?? [])]) stream.close();
  }

  dispose(): void {
    for (const streams of [...this.#streams.values()]) for (const stream of [...streams]) stream.close();
  }
}
