import { describe, expect, it } from "vitest";
import type { TerminalSink } from "./terminal-connection";
import { EarlyOutput } from "./terminal-early";

function recordingSink() {
  const calls: string[] = [];
  const sink: TerminalSink = {
    write: (bytes, written) => {
      calls.push(`write ${new TextDecoder().decode(bytes)}`);
      written();
    },
    reset: () => calls.push("reset"),
  };
  return { calls, sink };
}

describe("EarlyOutput", () => {
  it("holds output until the terminal exists, then writes it in order and acks it only then", () => {
    const early = new EarlyOutput();
    const acks: string[] = [];
    early.write(new TextEncoder().encode("root@"), () => acks.push("a"));
    early.write(new TextEncoder().encode("host:/# "), () => acks.push("b"));
    expect(acks).toEqual([]);
    const { calls, sink } = recordingSink();
    early.drainInto(sink);
    expect(calls).toEqual(["write root@", "write host:/# "]);
    expect(acks).toEqual(["a", "b"]);
    early.drainInto(sink);
    expect(calls).toHaveLength(2);
  });

  it("drops what it held on a reset and passes the reset on", () => {
    const early = new EarlyOutput();
    early.write(new TextEncoder().encode("old"), () => undefined);
    early.reset();
    early.write(new TextEncoder().encode("new"), () => undefined);
    const { calls, sink } = recordingSink();
    early.drainInto(sink);
    expect(calls).toEqual(["reset", "write new"]);
  });
});
