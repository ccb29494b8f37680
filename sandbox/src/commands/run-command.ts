// Non-interactive commands in a sandbox container (checks, setup scripts): separated stdout/stderr, an
// output cap, and a real kill of the whole process tree on timeout or abort; by the host's command helper
// when it can (command-helper.ts), else by an exec of their own.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type Duplex, Writable } from "node:stream";
import type Dockerode from "dockerode";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import { LABEL } from "../environments/labels";
import { CommandAbortedError, CommandInterruptedError, CommandTimedOutError, ContainerDiedError } from "../errors";
import { type CommandHelper, type CommandHelperSource, HelperEndedError, type HelperOutput } from "./command-helper";
import { helperCommandLine } from "./command-helper-script";
import { execExitCode } from "./exec-exit-code";
import { killMarkedProcesses, markerVariable } from "./kill-marked-processes";
import { SANDBOX_HELPER_DEADLINE_MS } from "./sandbox-deadline";

export interface RunCommandOptions {
  /** The program and its arguments (one of argv or script). */
  argv?: string[];
  /** A bash script, run as `bash -c <script>` (one of argv or script). */
  script?: string;
  env?: Record<string, string>;
  /** User to run as (name or uid[:gid]); default the image's (root). */
  user?: string;
  workdir?: string;
  /** Default 60000. */
  timeoutMs?: number;
  /** Bytes kept of stdout and, separately, of stderr; the rest is dropped and `truncated` set. Default 1 MiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const BACKSTOP_GRACE_SECONDS = 2;

/**
 * Runs the command through the host's command helper (no engine call; `helpers` gives it, from its owner) when
 * it runs as the image's user and the helper is idle; otherwise, or when the helper cannot run there or died
 * before the command began, by an exec of its own. Both ways give the same result, limits and kill.
 */
export async function runCommand(
  docker: Dockerode,
  containerId: string,
  options: RunCommandOptions,
  helpers?: CommandHelperSource,
): Promise<CommandResult> {
  const cmd = commandOf(options);
  if (options.signal?.aborted) throw new CommandAbortedError();
  if (options.user === undefined && helpers) {
    let helper: CommandHelper | undefined;
    try {
      helper = await helpers.reserve();
    } catch (error) {
      if (engineStatusOf(error) === 409) throw await diedError(docker.getContainer(containerId));
      throw error;
    }
    if (helper && options.signal?.aborted) {
      helper.unreserve();
      throw new CommandAbortedError();
    }
    if (helper) {
      const result = await runByHelper(helper, docker, containerId, cmd, options);
      if (result !== NOT_STARTED) return result;
    }
  }
  return runByExec(docker, containerId, cmd, options);
}

const NOT_STARTED = Symbol("not started");

async function runByHelper(
  helper: CommandHelper,
  docker: Dockerode,
  containerId: string,
  cmd: string[],
  options: RunCommandOptions,
): Promise<CommandResult | typeof NOT_STARTED> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { signal } = options;
  const marker = markerVariable(randomBytes(8).toString("hex"));
  const started = performance.now();
  const line = helperCommandLine({
    argv: cmd,
    env: [...Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`), marker],
    workdir: options.workdir,
    backstopSeconds: Math.ceil(timeoutMs / 1000) + BACKSTOP_GRACE_SECONDS,
  });
  const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
  const running = helper.run(line, stdin, options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  running.catch(() => {});

  type Ending =
    | { kind: "done"; output: HelperOutput }
    | { kind: "ended"; started: boolean }
    | { kind: "timeout" | "abort" };
  const ending = await new Promise<Ending>((resolve, reject) => {
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    const onAbort = () => finish({ kind: "abort" });
    signal?.addEventListener("abort", onAbort, { once: true });
    // Aborted while the helper was being opened: the event has fired already and never fires again.
    if (signal?.aborted) onAbort();
    function finish(outcome: Ending) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    }
    running.then(
      (output) => finish({ kind: "done", output }),
      (error: unknown) => {
        if (error instanceof HelperEndedError) finish({ kind: "ended", started: error.started });
        else reject(error);
      },
    );
  });

  if (ending.kind === "done") {
    const { stdout, stderr } = ending.output;
    return {
      exitCode: stdout.status,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: stdout.truncated || stderr.truncated,
      durationMs: Math.round(performance.now() - started),
    };
  }
  if (ending.kind === "ended") {
    if (!ending.started) return NOT_STARTED;
    const container = docker.getContainer(containerId);
    const inspected = await callEngine(() => container.inspect());
    if (!inspected.State.Running) throw await diedError(container);
    throw new CommandInterruptedError();
  }
  await killMarkedProcesses(docker, containerId, marker, undefined);
  // Once its command is killed the helper takes the next one; if it does not come back, it is let go.
  const settled = await Promise.race([
    running.then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), SANDBOX_HELPER_DEADLINE_MS).unref()),
  ]);
  if (!settled) helper.dispose();
  throw ending.kind === "timeout" ? new CommandTimedOutError(timeoutMs) : new CommandAbortedError();
}

async function runByExec(
  docker: Dockerode,
  containerId: string,
  cmd: string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { signal } = options;
  const marker = markerVariable(randomBytes(8).toString("hex"));
  const container = docker.getContainer(containerId);
  const started = performance.now();

  let exec: Dockerode.Exec;
  try {
    exec = await callEngine(() =>
      container.exec({
        // In-container backstop: if our kill cannot get a pid (a fork bomb), timeout kills the group.
        Cmd: ["timeout", "--signal=KILL", `${Math.ceil(timeoutMs / 1000) + BACKSTOP_GRACE_SECONDS}s`, ...cmd],
        Env: [...Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`), marker],
        ...(options.user ? { User: options.user } : {}),
        ...(options.workdir ? { WorkingDir: options.workdir } : {}),
        AttachStdin: options.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      }),
    );
  } catch (error) {
    if (engineStatusOf(error) === 409) throw await diedError(container);
    throw error;
  }
  const stream = (await callEngine(() =>
    exec.start({ hijack: true, stdin: options.stdin !== undefined, Tty: false }),
  )) as Duplex;

  const stdout = new CappedOutput(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const stderr = new CappedOutput(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  docker.modem.demuxStream(stream, stdout, stderr);
  if (options.stdin !== undefined) stream.end(options.stdin);

  const ending = await new Promise<"ended" | "timeout" | "abort">((resolve, reject) => {
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    const onAbort = () => finish("abort");
    signal?.addEventListener("abort", onAbort, { once: true });
    // Aborted while the exec was being created: the event has fired already and never fires again.
    if (signal?.aborted) onAbort();
    function finish(outcome: "ended" | "timeout" | "abort", error?: Error) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(outcome);
    }
    stream.on("end", () => finish("ended"));
    stream.on("close", () => finish("ended"));
    stream.on("error", (error) => finish("ended", error));
  });

  if (ending !== "ended") {
    stream.destroy();
    await killMarkedProcesses(docker, containerId, marker, options.user);
    throw ending === "timeout" ? new CommandTimedOutError(timeoutMs) : new CommandAbortedError();
  }

  const exitCode = await execExitCode(exec);
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Math.round(performance.now() - started),
  };
}

function commandOf(options: RunCommandOptions): string[] {
  if (options.argv && options.script !== undefined) throw new TypeError("runCommand takes argv or script, not both");
  if (options.script !== undefined) return ["bash", "-c", options.script];
  if (!options.argv || options.argv.length === 0) throw new TypeError("runCommand needs a non-empty argv or a script");
  return options.argv;
}

async function diedError(container: Dockerode.Container): Promise<ContainerDiedError> {
  const inspected = await callEngine(() => container.inspect());
  const host = inspected.Config.Labels?.[LABEL.host] ?? inspected.Name.replace(/^\//, "");
  return new ContainerDiedError(host, inspected.State.ExitCode, inspected.State.OOMKilled);
}

/** A sink that keeps the first `maxBytes` bytes and counts what it dropped. */
class CappedOutput extends Writable {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const room = this.maxBytes - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
