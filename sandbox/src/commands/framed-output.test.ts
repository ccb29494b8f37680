// The helper's output framing: markers split across chunks, the cap, output without a final newline, and
// what a detached process writes between frames.
import { describe, expect, it } from "vitest";
import { FramedOutput, frameMarkers } from "./framed-output";

function feed(output: FramedOutput, text: string, chunkSize: number): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunkSize) output.write(bytes.subarray(at, at + chunkSize));
}

function framed(nonce: string, body: string, status: number): string {
  const { begin, end } = frameMarkers(nonce);
  return `${begin}${body}${end}${status}\n`;
}

describe("FramedOutput", () => {
  it.each([1, 2, 3, 7, 1000])("finds the frame in chunks of %i bytes", async (chunkSize) => {
    const output = new FramedOutput();
    const result = output.expect("abc", 1000);
    feed(output, `stray from before${framed("abc", "line one\nline two\n", 3)}after`, chunkSize);
    expect(await result).toEqual({ text: "line one\nline two\n", truncated: false, status: 3 });
  });

  it("keeps output without a final newline as it is", async () => {
    const output = new FramedOutput();
    const result = output.expect("n1", 1000);
    feed(output, framed("n1", "partial", 0), 4);
    expect((await result).text).toBe("partial");
  });

  it("keeps at most the cap and still finds the end marker", async () => {
    const output = new FramedOutput();
    const result = output.expect("big", 10);
    feed(output, framed("big", "x".repeat(100_000), 0), 4096);
    expect(await result).toEqual({ text: "x".repeat(10), truncated: true, status: 0 });
  });

  it("ignores another command's markers and what comes between frames", async () => {
    const output = new FramedOutput();
    const first = output.expect("one", 100);
    feed(output, framed("one", "first\n", 0), 5);
    expect((await first).text).toBe("first\n");
    feed(output, "late output of a detached process\n", 3);
    const second = output.expect("two", 100);
    feed(output, `more late output${framed("one", "forged\n", 9)}${framed("two", "second\n", 1)}`, 6);
    expect(await second).toEqual({ text: "second\n", truncated: false, status: 1 });
  });

  it("fails the expected frame when the helper ends, saying whether it began", async () => {
    const output = new FramedOutput();
    const result = output.expect("gone", 100);
    feed(output, frameMarkers("gone").begin, 100);
    expect(output.begun).toBe(true);
    output.fail(new Error("ended"));
    await expect(result).rejects.toThrow("ended");
  });
});
