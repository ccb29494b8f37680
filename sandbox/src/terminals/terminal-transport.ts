// How a terminal session reaches its shell: an engine PTY exec (the engine relays every byte), or terminal
// pipes (the engine only starts the process; see terminal-pipes.ts). The session knows no more than this.
import type { Socket } from "node:net";
import type { Duplex, Readable, Writable } from "node:stream";
import type Dockerode from "dockerode";

export interface TerminalTransport {
  /** Which path the bytes take, for logs and stats. */
  readonly kind: "engine" | "pipes";
  /** Keystrokes to the shell. */
  readonly input: Writable;
  /** What the shell prints (the PTY's output). */
  readonly output: Readable;
  /** Settles once the shell's process has ended and its last output was read, or the path to it broke. */
  readonly ended: Promise<void>;
  /** Called with the reason when the path to the shell fails (the session then ends as failed). */
  onError(listener: (error: Error) => void): void;
  /** Sets the PTY's size (the shell gets SIGWINCH). */
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code of the started process, null while it runs or when unknown. */
  exitCode(): Promise<number | null>;
  /** Closes this side (does not end the process; the session ends the shell first). Idempotent. */
  destroy(): void;
}

/** The engine's PTY exec: one hijacked stream carries both directions. */
export function engineTransport(exec: Dockerode.Exec, stream: Duplex): TerminalTransport {
  // Keystrokes are tiny writes: over TCP (a Swarm node's engine) Nagle's algorithm would hold one back
  // while the previous echo is unacknowledged. A no-op on the local socket.
  (stream as Partial<Pick<Socket, "setNoDelay">>).setNoDelay?.(true);
  const ended = new Promise<void>((resolve) => {
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
  });
  return {
    kind: "engine",
    input: stream,
    output: stream,
    ended,
    onError: (listener) => stream.on("error", listener),
    resize: async (cols, rows) => {
      await exec.resize({ h: rows, w: cols });
    },
    exitCode: async () => {
      const info = await exec.inspect();
      return info.Running ? null : info.ExitCode;
    },
    destroy: () => stream.destroy(),
  };
}
