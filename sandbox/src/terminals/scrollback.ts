// The bounded scrollback of a terminal: a ring of the last `capacity` output bytes, addressed by
// absolute byte offsets since the terminal started, so a reconnecting client can ask "from offset N".

export class Scrollback {
  readonly capacity: number;
  readonly #ring: Uint8Array;
  #startOffset = 0;
  #endOffset = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`scrollback capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#ring = new Uint8Array(capacity);
  }

  /** Offset of the oldest byte still held. */
  get startOffset(): number {
    return this.#startOffset;
  }

  /** Offset just past the newest byte (the total number of bytes ever appended). */
  get endOffset(): number {
    return this.#endOffset;
  }

  /** Appends a chunk and returns the new end offset; the oldest bytes fall out when full. */
  append(chunk: Uint8Array): number {
    const kept = chunk.length > this.capacity ? chunk.subarray(chunk.length - this.capacity) : chunk;
    const skipped = chunk.length - kept.length;
    const position = (this.#endOffset + skipped) % this.capacity;
    const firstPart = Math.min(kept.length, this.capacity - position);
    this.#ring.set(kept.subarray(0, firstPart), position);
    this.#ring.set(kept.subarray(firstPart), 0);
    this.#endOffset += chunk.length;
    this.#startOffset = Math.max(this.#startOffset, this.#endOffset - this.capacity);
    return this.#endOffset;
  }

  /**
   * A copy of the bytes from `offset` (clamped to what is held) to the end. When bytes from `offset`
   * on have already fallen out, leading UTF-8 continuation bytes are skipped too, so such a replay
   * never begins in the middle of a character.
   */
  readFrom(offset: number): Uint8Array {
    let from = Math.min(Math.max(offset, this.#startOffset), this.#endOffset);
    if (offset < this.#startOffset) {
      const limit = Math.min(from + MAX_CONTINUATION_BYTES, this.#endOffset);
      while (from < limit && isContinuationByte(this.#byteAt(from))) from += 1;
    }
    const length = this.#endOffset - from;
    const copy = new Uint8Array(length);
    const position = from % this.capacity;
    const firstPart = Math.min(length, this.capacity - position);
    copy.set(this.#ring.subarray(position, position + firstPart), 0);
    copy.set(this.#ring.subarray(0, length - firstPart), firstPart);
    return copy;
  }

  /** Bytes currently held. */
  get size(): number {
    return this.#endOffset - this.#startOffset;
  }

  #byteAt(offset: number): number {
    return this.#ring[offset % this.capacity] ?? 0;
  }
}

/** A UTF-8 character has at most three continuation bytes; more means the output is not text. */
const MAX_CONTINUATION_BYTES = 3;

function isContinuationByte(byte: number): boolean {
  return (byte & 0b1100_0000) === 0b1000_0000;
}
