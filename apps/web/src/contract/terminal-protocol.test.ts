import { describe, expect, it } from "vitest";
import { MAX_CONTROL_FRAME_BYTES, parseClientControl, parseTerminalQuery } from "./terminal-protocol";

describe("parseTerminalQuery", () => {
  it("parses a full query", () => {
    expect(parseTerminalQuery("/ws/terminal?run=r_1-x&host=node-1&terminal=2&since=1234&observe=1")).toEqual({
      ok: true,
      query: { run: "r_1-x", host: "node-1", terminal: "2", since: 1234, observe: true },
    });
  });

  it("defaults observe to false and leaves host and since out", () => {
    expect(parseTerminalQuery("/ws/terminal?run=abc&terminal=1")).toEqual({
      ok: true,
      query: { run: "abc", terminal: "1", observe: false },
    });
  });

  it.each([
    ["a missing run", "/ws/terminal?terminal=1"],
    ["a missing terminal", "/ws/terminal?run=abc"],
    ["a negative since", "/ws/terminal?run=abc&terminal=1&since=-1"],
    ["a fractional since", "/ws/terminal?run=abc&terminal=1&since=1.5"],
    ["a non-numeric since", "/ws/terminal?run=abc&terminal=1&since=x"],
    ["a run id with a slash", "/ws/terminal?run=a%2Fb&terminal=1"],
    ["an upper-case host", "/ws/terminal?run=abc&terminal=1&host=Node"],
    ["an unknown observe value", "/ws/terminal?run=abc&terminal=1&observe=yes"],
    ["a repeated parameter", "/ws/terminal?run=abc&terminal=1&terminal=2"],
  ])("refuses %s", (_name, url) => {
    expect(parseTerminalQuery(url).ok).toBe(false);
  });
});

describe("parseClientControl", () => {
  it("accepts resize, ack and ping", () => {
    expect(parseClientControl('{"type":"resize","cols":120,"rows":40}')).toEqual({
      ok: true,
      message: { type: "resize", cols: 120, rows: 40 },
    });
    expect(parseClientControl('{"type":"ack","bytes":4096}')).toEqual({
      ok: true,
      message: { type: "ack", bytes: 4096 },
    });
    expect(parseClientControl('{"type":"ping"}')).toEqual({ ok: true, message: { type: "ping" } });
  });

  it.each([
    ["bad JSON", "{type:resize}", /not JSON/],
    ["an unknown type", '{"type":"input","data":"ls"}', /invalid control frame/],
    ["a missing type", '{"cols":80,"rows":24}', /invalid control frame/],
    ["zero columns", '{"type":"resize","cols":0,"rows":24}', /cols/],
    ["too many rows", '{"type":"resize","cols":80,"rows":1001}', /rows/],
    ["fractional columns", '{"type":"resize","cols":80.5,"rows":24}', /cols/],
    ["a negative ack", '{"type":"ack","bytes":-1}', /bytes/],
    ["an extra field", '{"type":"ping","x":1}', /invalid control frame/],
    ["a JSON array", "[1,2]", /invalid control frame/],
  ])("refuses %s with a reason", (_name, text, reason) => {
    const parsed = parseClientControl(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(reason);
      expect(Buffer.byteLength(parsed.reason)).toBeLessThanOrEqual(123);
    }
  });

  it("refuses a frame over the control size limit even when it is valid JSON", () => {
    const padded = `{"type":"ping"}${" ".repeat(MAX_CONTROL_FRAME_BYTES)}`;
    expect(parseClientControl(padded)).toEqual({
      ok: false,
      reason: `control frame over ${MAX_CONTROL_FRAME_BYTES} bytes`,
    });
  });
});
