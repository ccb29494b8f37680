import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Scrollback } from "./scrollback";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("Scrollback", () => {
  it("keeps everything while under capacity, addressed by absolute offsets", () => {
    const scrollback = new Scrollback(16);
    expect(scrollback.append(bytes("hello "))).toBe(6);
    expect(scrollback.append(bytes("world"))).toBe(11);
    expect(text(scrollback.readFrom(0))).toBe("hello world");
    expect(text(scrollback.readFrom(6))).toBe("world");
    expect(text(scrollback.readFrom(11))).toBe("");
    expect(scrollback.startOffset).toBe(0);
  });

  it("drops the oldest bytes when it wraps and clamps offsets to what it holds", () => {
    const scrollback = new Scrollback(8);
    scrollback.append(bytes("abcdef"));
    scrollback.append(bytes("ghijkl"));
    expect(scrollback.startOffset).toBe(4);
    expect(scrollback.endOffset).toBe(12);
    expect(text(scrollback.readFrom(0))).toBe("efghijkl");
    expect(text(scrollback.readFrom(10))).toBe("kl");
    expect(text(scrollback.readFrom(99))).toBe("");
  });

  it("keeps only the tail of a chunk larger than itself", () => {
    const scrollback = new Scrollback(4);
    scrollback.append(bytes("xy"));
    scrollback.append(bytes("0123456789"));
    expect(scrollback.endOffset).toBe(12);
    expect(text(scrollback.readFrom(0))).toBe("6789");
  });

  it("does not start a truncated replay in the middle of a UTF-8 character", () => {
    const scrollback = new Scrollback(4);
    scrollback.append(bytes("ab€c")); // "€" is 3 bytes
    scrollback.append(bytes("d"));
    // held: the last 2 bytes of "€", then "c" and "d"
    expect(text(scrollback.readFrom(0))).toBe("cd");
  });

  it("replays exactly from an offset it still holds, even mid-character", () => {
    const scrollback = new Scrollback(4);
    scrollback.append(bytes("ab€c"));
    scrollback.append(bytes("d"));
    expect(scrollback.readFrom(scrollback.startOffset)).toHaveLength(4);
  });

  it("always returns the exact tail of everything appended", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }),
        fc.nat(),
        (capacity, chunks, offsetSeed) => {
          const scrollback = new Scrollback(capacity);
          for (const chunk of chunks) scrollback.append(chunk);
          const all = Buffer.concat(chunks);
          const start = Math.max(0, all.length - capacity);
          const offset = start + (offsetSeed % (all.length - start + 1));
          expect(scrollback.endOffset).toBe(all.length);
          expect(scrollback.startOffset).toBe(start);
          expect(Buffer.from(scrollback.readFrom(offset))).toEqual(all.subarray(offset));
        },
      ),
    );
  });
});
