// The live streams each instructor session holds open, so that signing out (or a session found expired
// at a heartbeat) closes them: a dashboard must not outlive the session that opened it.
import type { EventStream } from "./event-stream";

export class SessionStreams {
  readonly #streams = new Map<string, Set<EventStream>>();

  add(sessionTokenHash: string, stream: EventStream): void {
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
