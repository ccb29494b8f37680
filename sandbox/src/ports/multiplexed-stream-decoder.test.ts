import { describe, expect, it } from "vitest";
import { MultiplexedStreamDecoder } from "./multiplexed-stream-decoder";

function frame(type: number, payload: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(Buffer.byteLength(payload), 4);
  return Buffer.concat([header, Buffer.from(payload)]);
}

function decodeAll(decoder: MultiplexedStreamDecoder, chunks: Buffer[]) {
  const out = { stdout: "", stderr: "" };
  for (const chunk of chunks) {
    for (const piece of decoder.decode(chunk)) out[piece.stream] += Buffer.from(piece.data).toString();
  }
  return out;
}

describe("MultiplexedStreamDecoder", () => {
  const stream = Buffer.concat([frame(2, "connected 7\n"), frame(1, "HTTP/1.0 200 OK"), frame(1, ""), frame(2, "bye")]);

  it("separates stdout from stderr in one chunk", () => {
    const decoder = new MultiplexedStreamDecoder();
    expect(decodeAll(decoder, [stream])).toEqual({ stdout: "HTTP/1.0 200 OK", stderr: "connected 7\nbye" });
    expect(decoder.atFrameBoundary).toBe(true);
  });

  it("decodes the same whatever the chunk boundaries, headers split included", () => {
    for (let size = 1; size <= stream.length; size += 1) {
      const chunks: Buffer[] = [];
      for (let start = 0; start < stream.length; start += size) chunks.push(stream.subarray(start, start + size));
      expect(decodeAll(new MultiplexedStreamDecoder(), chunks)).toEqual({
        stdout: "HTTP/1.0 200 OK",
        stderr: "connected 7\nbye",
      });
    }
  });

  it("reports a stream that stopped inside a frame", () => {
    const decoder = new MultiplexedStreamDecoder();
    decoder.decode(frame(1, "truncated").subarray(0, 12));
    expect(decoder.atFrameBoundary).toBe(false);
  });

  it("rejects a stream that is not multiplexed", () => {
    expect(() => new MultiplexedStreamDecoder().decode(Buffer.from("plain TTY output"))).toThrow(/malformed/);
  });
});
