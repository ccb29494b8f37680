// Test support: reads a Server-Sent Events stream with fetch and collects its named events, so tests
// can wait for an event instead of sleeping.
export interface ReceivedEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: test events are read loosely and asserted field by field
  data: any;
}

export interface SseTestClient {
  status: number;
  contentType: string | null;
  events: ReceivedEvent[];
  /** Resolves with the first event (already received or coming) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseTestClient> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  const ended = (async () => {
    if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
      await response.text().catch(() => undefined);
      return;
    }
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let boundary = buffer.indexOf("\n\n");
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
          boundary = buffer.indexOf("\n\n");
        }
        for (const waiter of [...waiters]) waiter();
      }
    } catch {
      // aborted by close()
    }
  })().finally(() => {
    finished = true;
    for (const waiter of [...waiters]) waiter();
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    events,
    ended,
    waitFor(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            done();
            resolve(found);
          } else if (finished) {
            done();
            reject(new Error(`the stream ended without the event; got ${events.map((e) => e.event).join(", ")}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(", ")}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
