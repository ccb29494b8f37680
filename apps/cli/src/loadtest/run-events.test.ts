// The load generator's event-stream parser: events split across chunks, comments skipped, CRLF accepted.
import { describe, expect, it } from "vitest";
import { EventStreamParser } from "./run-events";

describe("EventStreamParser", () => {
  it("yields each event once it is complete, across chunk boundaries", () => {
    const parser = new EventStreamParser();
    expect(parser.push(': connected\n\nevent: run\ndata: {"a"')).toEqual([]);
    expect(parser.push(":1}\n\n: heartbeat\n\nevent: run\r\ndata: 2\r\n\r\n")).toEqual([
      { event: "run", data: '{"a":1}' },
      { event: "run", data: "2" },
    ]);
  });

  it("joins multi-line data and defaults the event name", () => {
    expect(new EventStreamParser().push("data: one\ndata: two\n\n")).toEqual([{ event: "message", data: "one\ntwo" }]);
  });
});
