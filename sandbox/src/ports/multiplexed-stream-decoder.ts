// Decodes the Engine API's multiplexed stdout/stderr stream of a non-TTY exec (8-byte frame header:
// stream type, 3 zero bytes, big-endian length) incrementally, without buffering whole frames.

export type OutputStreamType = "stdout" | "stderr";

export interface DecodedPiece {
  stream: OutputStreamType;
  data: Uint8Array;
}

const HEADER_BYTES = 8;

export class MultiplexedStreamDecoder {
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerFilled = 0;
  #stream: OutputStreamType = "stdout";
  #payloadLeft = 0;

  /** Decodes a chunk into the payload pieces it completes or continues; throws on a malformed header. */
  decode(chunk: Uint8Array): DecodedPiece[] {
    const pieces: DecodedPiece[] = [];
    let position = 0;
    while (position < chunk.length) {
      if (this.#payloadLeft > 0) {
        const length = Math.min(this.#payloadLeft, chunk.length - position);
        pieces.push({ stream: this.#stream, data: chunk.subarray(position, position + length) });
        this.#payloadLeft -= length;
        position += length;
        continue;
      }
      const length = Math.min(HEADER_BYTES - this.#headerFilled, chunk.length - position);
      this.#header.set(chunk.subarray(position, position + length), this.#headerFilled);
      this.#headerFilled += length;
      position += length;
      if (this.#headerFilled === HEADER_BYTES) this.#startFrame();
    }
    return pieces;
  }

  /** True when the stream ended between frames, as a well-formed stream does. */
  get atFrameBoundary(): boolean {
    return this.#headerFilled === 0 && this.#payloadLeft === 0;
  }

  #startFrame(): void {
    this.#headerFilled = 0;
    const type = this.#header[0];
    // 0 (stdin) is written on stdout by the engine, 1 is stdout, 2 is stderr.
    if (type !== 0 && type !== 1 && type !== 2) {
      throw new Error(`malformed multiplexed stream: unknown stream type ${type}`);
    }
    this.#stream = type === 2 ? "stderr" : "stdout";
    this.#payloadLeft = new DataView(this.#header.buffer).getUint32(4);
  }
}
