// One output stream (stdout or stderr) of the command helper: commands' outputs arrive one after another,
// each between a begin and an end marker that carry the command's random nonce. Keeps what lies between
// them up to a cap, and drops the rest (and anything that arrives between frames).
import { Writable } from "node:stream";

const EMPTY = Buffer.alloc(0);

export interface FrameResult {
  text: string;
  truncated: boolean;
  /** The exit status the end marker carried. */
  status: number;
}

interface Frame {
  begin: Buffer;
  end: Buffer;
  begun: boolean;
  chunks: Buffer[];
  kept: number;
  maxBytes: number;
  truncated: boolean;
  resolve(result: FrameResult): void;
  reject(error: Error): void;
}

/** The marker lines the helper prints around a command's output (see command-helper-script.ts). */
export function frameMarkers(nonce: string): { begin: string; end: string } {
  return { begin: `\ncircus-${nonce}:B\n`, end: `\ncircus-${nonce}:E ` };
}

export class FramedOutput extends Writable {
  private pending: Buffer = EMPTY;
  private frame: Frame | undefined;

  /** Whether the current frame's begin marker arrived (the command started). */
  get begun(): boolean {
    return this.frame?.begun ?? false;
  }

  /** Waits for the frame of `nonce`, keeping at most `maxBytes` of its output. One frame at a time. */
  expect(nonce: string, maxBytes: number): Promise<FrameResult> {
    if (this.frame) throw new Error("FramedOutput: a frame is already expected");
    const { begin, end } = frameMarkers(nonce);
    return new Promise<FrameResult>((resolve, reject) => {
      this.frame = {
        begin: Buffer.from(begin),
        end: Buffer.from(end),
        begun: false,
        chunks: [],
        kept: 0,
        maxBytes,
        truncated: false,
        resolve,
        reject,
      };
      this.scan();
    });
  }

  /** Fails the expected frame (the helper ended). */
  fail(error: Error): void {
    const frame = this.frame;
    this.frame = undefined;
    frame?.reject(error);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.scan();
    callback();
  }

  private scan(): void {
    for (;;) {
      const frame = this.frame;
      if (!frame) {
        this.pending = EMPTY;
        return;
      }
      if (!frame.begun) {
        const at = this.pending.indexOf(frame.begin);
        if (at < 0) {
          this.pending = tail(this.pending, frame.begin.length - 1);
          return;
        }
        this.pending = this.pending.subarray(at + frame.begin.length);
        frame.begun = true;
        continue;
      }
      const at = this.pending.indexOf(frame.end);
      if (at < 0) {
        // The last bytes may be the start of the end marker: keep them back.
        const keep = frame.end.length - 1;
        if (this.pending.length > keep) {
          keepOutput(frame, this.pending.subarray(0, this.pending.length - keep));
          this.pending = tail(this.pending, keep);
        }
        return;
      }
      const lineEnd = this.pending.indexOf(0x0a, at + frame.end.length);
      keepOutput(frame, this.pending.subarray(0, at));
      if (lineEnd < 0) {
        this.pending = Buffer.from(this.pending.subarray(at));
        return;
      }
      const status = Number(this.pending.subarray(at + frame.end.length, lineEnd).toString("latin1"));
      this.pending = this.pending.subarray(lineEnd + 1);
      this.frame = undefined;
      frame.resolve({
        text: Buffer.concat(frame.chunks).toString("utf8"),
        truncated: frame.truncated,
        status: Number.isInteger(status) ? status : -1,
      });
    }
  }
}

function keepOutput(frame: Frame, bytes: Buffer): void {
  if (bytes.length === 0) return;
  const room = frame.maxBytes - frame.kept;
  if (bytes.length > room) frame.truncated = true;
  if (room > 0) {
    const part = Buffer.from(bytes.subarray(0, room));
    frame.chunks.push(part);
    frame.kept += part.length;
  }
}

function tail(bytes: Buffer, length: number): Buffer {
  return bytes.length <= length ? bytes : Buffer.from(bytes.subarray(bytes.length - length));
}
