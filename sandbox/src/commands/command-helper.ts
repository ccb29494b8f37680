// One long-lived exec per host that runs non-interactive commands (checks, setup scripts, file writes) by
// fork, so a command costs no engine call: opened on a host's first command, it ends with its container
// (removal, restart, the engine's own end), when disposed, or when a process in the host kills it. Its owner is
// the environment (environment-command-helpers.ts), which opens it on first use and disposes of it.
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { callEngine } from "../environments/engine-failures";
import { COMMAND_HELPER_NAME, COMMAND_HELPER_SCRIPT, READY_NONCE } from "./command-helper-script";
import { FramedOutput, type FrameResult } from "./framed-output";

/** How long a new helper may take to say it is ready; a slower one is ended and tried again later. */
const READY_DEADLINE_MS = 5_000;

/** Where runCommand takes the host's helper from: its owner gives it reserved for one run, or undefined. */
export interface CommandHelperSource {
  /** The helper (opened if need be) reserved for one `run`; undefined: use a plain exec. Throws like the engine. */
  reserve(): Promise<CommandHelper | undefined>;
}
/** How long a host whose helper was too slow to start (a saturated machine) goes by plain execs. */

/** Why a helper did not open: its `sh` ended before it was ready (none there), or it was not ready in time. */
export type NoHelper = "no-shell" | "slow";

/** The helper's stream ended; `started` says whether the command in flight had begun. */
export class HelperEndedError extends Error {
  constructor(readonly started: boolean) {
    super("the command helper ended");
  }
}

export interface HelperOutput {
  stdout: FrameResult;
  stderr: FrameResult;
}

export class CommandHelper {
  private inFlight = false;
  private endedFlag = false;
  private readonly endListeners = new Set<() => void>();

  private constructor(
    private readonly stream: Duplex,
    private readonly stdout: FramedOutput,
    private readonly stderr: FramedOutput,
  ) {
    const end = () => {
      if (this.endedFlag) return;
      this.endedFlag = true;
      const error = new HelperEndedError(this.stdout.begun || this.stderr.begun);
      this.stdout.fail(error);
      this.stderr.fail(error);
      for (const listener of this.endListeners) listener();
    };
    stream.on("end", end);
    stream.on("close", end);
    stream.on("error", end);
  }

  /**
   * Starts the helper in `containerId` (as the image's user): the helper once it is ready, or why not (its
   * `sh` ended first: there is none; or it was not ready in time). Throws what the engine threw (a 409 when
   * the container is not running).
   */
  static async open(docker: Dockerode, containerId: string): Promise<CommandHelper | NoHelper> {
    const container = docker.getContainer(containerId);
    const exec = await callEngine(() =>
      container.exec({
        Cmd: ["sh", "-c", COMMAND_HELPER_SCRIPT, COMMAND_HELPER_NAME],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      }),
    );
    const stream = (await callEngine(() => exec.start({ hijack: true, stdin: true, Tty: false }))) as Duplex;
    // An idle helper must not keep a process (the CLI, a test) alive: only a command in flight does (its timer).
    (stream as Duplex & { unref?: () => void }).unref?.();
    const stdout = new FramedOutput();
    const stderr = new FramedOutput();
    docker.modem.demuxStream(stream, stdout, stderr);
    const helper = new CommandHelper(stream, stdout, stderr);
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      Promise.all([stdout.expect(READY_NONCE, 0), stderr.expect(READY_NONCE, 0)]).then(
        () => "ready" as const,
        () => "no-shell" as const,
      ),
      new Promise<"slow">((resolve) => {
        timer = setTimeout(() => resolve("slow"), READY_DEADLINE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (ready === "ready") return helper;
    helper.dispose();
    return ready;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  /** Gives back a reservation that will not be run (its command was aborted before it was sent). */
  unreserve(): void {
    this.inFlight = false;
  }

  /** Takes the helper for one command (the next `run`); false when it is busy or ended. */
  reserve(): boolean {
    if (this.inFlight || this.endedFlag) return false;
    this.inFlight = true;
    return true;
  }

  /** Calls `listener` once the helper's exec has ended; returns a function that removes it. */
  onEnd(listener: () => void): () => void {
    if (this.endedFlag) {
      listener();
      return () => {};
    }
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Sends one command (a line from helperCommandLine) and resolves with its two outputs once both end
   * markers came. Rejects with HelperEndedError when the helper ends first. One command at a time.
   */
  run(commandLine: string, stdin: Buffer | undefined, maxOutputBytes: number): Promise<HelperOutput> {
    if (!this.inFlight) throw new Error("CommandHelper: reserve() it before run()");
    if (this.endedFlag) {
      this.inFlight = false;
      return Promise.reject(new HelperEndedError(false));
    }
    const nonce = randomBytes(16).toString("hex");
    const outputs = Promise.all([this.stdout.expect(nonce, maxOutputBytes), this.stderr.expect(nonce, maxOutputBytes)]);
    this.stream.write(`${nonce} ${stdin?.length ?? 0}\n${commandLine}\n`);
    if (stdin && stdin.length > 0) this.stream.write(stdin);
    return outputs.then(
      ([stdout, stderr]) => {
        this.inFlight = false;
        return { stdout, stderr };
      },
      (error: unknown) => {
        this.inFlight = false;
        throw error;
      },
    );
  }

  /** Ends the helper: its stdin closes, so it exits once the command in flight (if any) is done. */
  dispose(): void {
    this.stream.destroy();
  }
}
