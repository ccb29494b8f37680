import { describe, expect, it } from "vitest";
import { createLiveStatus } from "./live-status";

function capture(tty: boolean, columns?: number) {
  const written: string[] = [];
  return { written, live: createLiveStatus((text) => written.push(text), tty, columns) };
}

describe("createLiveStatus", () => {
  it("leaves status lines out of a pipe, so CI logs hold only the lines that stay", () => {
    const { written, live } = capture(false);
    live.status("Step 1/5 : RUN apt-get update");
    live.line("✓ built circus/base");
    live.clear();
    expect(written.join("")).toBe("✓ built circus/base\n");
  });

  it("rewrites one status row on a terminal and clears it before a line that stays", () => {
    const { written, live } = capture(true, 20);
    live.status("first\nstatus that is much longer than the terminal");
    live.status("second");
    live.line("done");
    expect(written).toEqual(["\r\u001b[Kfirst status that i", "\r\u001b[Ksecond", "\r\u001b[K", "done\n"]);
  });
});
