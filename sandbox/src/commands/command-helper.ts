// One long-lived exec per host that runs non-interactive commands (checks, setup scripts, file writes) by
// fork, so a command costs no engine call: opened on a host's first command, it ends with its container
// (removal, restart, the engine's own end), when disposed, or when a process in the host kills it.
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import { COMMAND_HELPER_NAME, COMMAND_HELPER_SCRIPT, READY_NONCE } from "./command-helper-script";
import { FramedOutput, type FrameResult } from "./framed-output";

/** How long a new helper may take to say it is ready; a slower one is ended and tried again later. */
const READY_DEADLINE_MS = 5_000;
/** How long a host whose helper was too slow to start (a saturated machine) goes by plain execs. */
const SLOW_START_BACKOFF_MS = 60_000;

/** Why a helper did not open: its `sh` ended before it was ready (none there), or it was not ready in time. */
type NoHelper = "no-shell" | "slow";

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

/** Open (or opening) helpers by container id; an entry is dropped when its helper ends. */
const helpers = new Map<string, Promise<CommandHelper | undefined>>();
/**
 * Containers that go by plain execs until the given time (Infinity: no `sh` there; a while: its helper was too
 * slow to start), most recent last, so as not to try at every command.
 */
const withoutHelper = new Map<string, number>();
const MAX_WITHOUT_HELPER = 1024;

/**
 * The helper of `containerId`, opened if there is none, reserved for the caller's one `run`; undefined when
 * the caller should use a plain exec (no `sh` there, or the helper runs another command). Throws like the
 * engine (e.g. 409).
 */
export async function idleCommandHelper(docker: Dockerode, containerId: string): Promise<CommandHelper | undefined> {
  const until = withoutHelper.get(containerId);
  if (until !== undefined) {
    if (Date.now() < until) return undefined;
    withoutHelper.delete(containerId);
  }
  let entry = helpers.get(containerId);
  if (entry === undefined) {
    entry = openHelper(docker, containerId);
    helpers.set(containerId, entry);
  }
  const helper = await entry;
  if (helper?.ended) {
    if (helpers.get(containerId) === entry) helpers.delete(containerId);
    return idleCommandHelper(docker, containerId);
  }
  return helper?.reserve() ? helper : undefined;
}

async function openHelper(docker: Dockerode, containerId: string): Promise<CommandHelper | undefined> {
  let helper: CommandHelper | NoHelper;
  try {
    helper = await CommandHelper.open(docker, containerId);
  } catch (error) {
    helpers.delete(containerId);
    // Not running: the caller reports why. Any other failure: this command goes by a plain exec.
    if (engineStatusOf(error) === 409) throw error;
    return undefined;
  }
  if (helper === "no-shell" || helper === "slow") {
    helpers.delete(containerId);
    rememberWithoutHelper(
      containerId,
      helper === "no-shell" ? Number.POSITIVE_INFINITY : Date.now() + SLOW_START_BACKOFF_MS,
    );
    return undefined;
  }
  const entry = helpers.get(containerId);
  helper.onEnd(() => {
    if (helpers.get(containerId) === entry) helpers.delete(containerId);
  });
  return helper;
}

function rememberWithoutHelper(containerId: string, until: number): void {
  withoutHelper.delete(containerId);
  withoutHelper.set(containerId, until);
  if (withoutHelper.size > MAX_WITHOUT_HELPER) {
    const oldest = withoutHelper.keys().next().value;
    if (oldest !== undefined) withoutHelper.delete(oldest);
  }
}

/** Ends the helper of `containerId`, if any (its host is being removed or replaced). */
export function disposeCommandHelper(containerId: string): void {
  withoutHelper.delete(containerId);
  const entry = helpers.get(containerId);
  helpers.delete(containerId);
  void entry?.then(
    (helper) => helper?.dispose(),
    () => {},
  );
}
