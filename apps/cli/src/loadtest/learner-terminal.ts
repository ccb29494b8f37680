// One simulated learner's terminal WebSocket, spoken as the player speaks it (apps/web's terminal
// protocol): resize first, acknowledge every output frame once "written", resume with `since` on reconnect.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

/** What the learner needs to open its terminal like a browser tab would. */
export interface TerminalAddress {
  origin: string;
  cookieHeader: string;
  /** The simulated client address (X-Forwarded-For), see the loadtest's README section. */
  forwardedFor: string;
  runId: string;
  terminalId: string;
  host: string;
}

export class TerminalClosedError extends Error {
  override name = "TerminalClosedError";
}

/** Output waiters resolve at the next binary frame; every waiter is bounded by a timeout. */
interface OutputWaiter {
  resolve(at: number): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class LearnerTerminal {
  /** The end offset of the output seen so far (hello.offset plus the bytes since). */
  offset = 0;
  /** performance.now() of the last output frame. */
  lastOutputAt = 0;
  #socket: WebSocket;
  #waiters = new Set<OutputWaiter>();
  /** Resolved at the server's hello (performance.now()). */
  #helloAt: number | undefined;
  #helloWaiter: ((at: number) => void) | undefined;
  #closed: string | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  /**
   * Opens the socket and resolves at its first output byte (the prompt) with the time that took; with `since`
   * (a reload) at the server's hello instead, since a shell that printed nothing after `since` has nothing to
   * replay. Rejects when the upgrade is refused or nothing comes within `timeoutMs`.
   */
  static async open(
    address: TerminalAddress,
    options: { since?: number; timeoutMs: number },
  ): Promise<{ terminal: LearnerTerminal; firstOutputAt: number }> {
    const query = new URLSearchParams({ run: address.runId, host: address.host, terminal: address.terminalId });
    if (options.since !== undefined) query.set("since", String(options.since));
    const socket = new WebSocket(`${address.origin.replace(/^http/, "ws")}/ws/terminal?${query}`, {
      headers: { cookie: address.cookieHeader, origin: address.origin, "x-forwarded-for": address.forwardedFor },
      perMessageDeflate: false,
    });
    const terminal = new LearnerTerminal(socket);
    socket.on("message", (data, isBinary) => terminal.#receive(data as Buffer, isBinary));
    socket.on("error", () => undefined);
    socket.once("close", (code, reason) => terminal.#end(`closed ${code} ${reason.toString()}`.trim()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TerminalClosedError("the upgrade was not answered")),
        options.timeoutMs,
      );
      socket.once("open", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("unexpected-response", (_request, response) => {
        clearTimeout(timer);
        reject(new TerminalClosedError(`the upgrade answered ${response.statusCode}`));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new TerminalClosedError(error.message));
      });
    });
    socket.send(JSON.stringify({ type: "resize", cols: 100, rows: 30 }));
    try {
      const firstOutputAt =
        options.since === undefined
          ? await terminal.nextOutput(options.timeoutMs)
          : await terminal.#hello(options.timeoutMs);
      return { terminal, firstOutputAt };
    } catch (error) {
      terminal.close();
      throw error;
    }
  }

  get closedBecause(): string | undefined {
    return this.#closed;
  }

  /** Types `text` as one frame (a keystroke, or a pasted line). */
  type(text: string): void {
    if (this.#closed) throw new TerminalClosedError(this.#closed);
    this.#socket.send(Buffer.from(text, "utf8"), { binary: true });
  }

  /** Resolves with performance.now() at the next output frame. */
  nextOutput(timeoutMs: number): Promise<number> {
    if (this.#closed) return Promise.reject(new TerminalClosedError(this.#closed));
    return new Promise((resolve, reject) => {
      const waiter: OutputWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new OutputTimeoutError(`no output within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Waits until no output came for `quietMs` (a command finished printing), at most `maxMs`. */
  async settle(quietMs: number, maxMs: number, signal: AbortSignal): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (!signal.aborted && !this.#closed && performance.now() < deadline) {
      const since = performance.now() - this.lastOutputAt;
      if (since >= quietMs) return;
      await new Promise((resolve) => setTimeout(resolve, quietMs - since));
    }
  }

  /** Resolves at the server's hello frame (or at once if it came). */
  #hello(timeoutMs: number): Promise<number> {
    if (this.#helloAt !== undefined) return Promise.resolve(this.#helloAt);
    if (this.#closed) return Promise.reject(new TerminalClosedError(this.#closed));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#helloWaiter = undefined;
        reject(new TerminalClosedError(`no hello within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#helloWaiter = (at) => {
        clearTimeout(timer);
        this.#helloWaiter = undefined;
        resolve(at);
      };
    });
  }

  close(): void {
    this.#end("closed by the learner");
    this.#socket.close();
    setTimeout(() => this.#socket.terminate(), 1_000).unref();
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      const control = parseControl(data.toString("utf8"));
      if (control?.type === "hello" && typeof control.offset === "number") {
        this.offset = control.offset;
        this.#helloAt = performance.now();
        this.#helloWaiter?.(this.#helloAt);
      } else if (control?.type === "offset" && typeof control.value === "number") this.offset = control.value;
      return;
    }
    const at = performance.now();
    this.lastOutputAt = at;
    this.offset += data.length;
    // The player acknowledges once xterm.js wrote the bytes; a Node client "writes" them at once.
    if (this.#socket.readyState === WebSocket.OPEN)
      this.#socket.send(JSON.stringify({ type: "ack", bytes: data.length }));
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(at);
    }
    this.#waiters.clear();
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.#closed = reason;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new TerminalClosedError(reason));
    }
    this.#waiters.clear();
  }
}

export class OutputTimeoutError extends Error {
  override name = "OutputTimeoutError";
}

function parseControl(text: string): { type?: unknown; offset?: unknown; value?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
