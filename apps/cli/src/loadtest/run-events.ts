// A simulated learner's view of its run as the player gets it: the run's Server-Sent Events stream
// (GET /api/runs/:runId/events), open from Start until the learner leaves; `run` events carry the view.

/** One `event:`/`data:` block of the stream. */
export interface StreamEvent {
  event: string;
  data: string;
}

/** Splits a text/event-stream into events (comments such as heartbeats are skipped). */
export class EventStreamParser {
  #buffer = "";

  /** Feeds text; returns the events it completed. */
  push(text: string): StreamEvent[] {
    this.#buffer += text.replaceAll("\r\n", "\n");
    const events: StreamEvent[] = [];
    for (let end = this.#buffer.indexOf("\n\n"); end !== -1; end = this.#buffer.indexOf("\n\n")) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const separator = line.indexOf(":");
        const field = separator === -1 ? line : line.slice(0, separator);
        const value = separator === -1 ? "" : line.slice(separator + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) events.push({ event, data: data.join("\n") });
    }
    return events;
  }
}

/**
 * Reads `body` until it ends or `signal` aborts, calling `onEvent` for each event. Resolves when the
 * stream ended (the server closes it once the run ended); rejects only on a read error before the abort.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const parser = new EventStreamParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(event);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}
