// A terminal over terminal pipes (see terminal-pipes.ts): the engine starts a launcher in the sandbox and is
// done; `script` makes the PTY there and its two ends are FIFOs this server holds. The launcher first writes
// one status line into the output FIFO (`circus-terminal:ok`, or a code and a reason when this image cannot
// run a pipe terminal: the caller then opens it through the engine), then becomes `script`.
//
// The end of the shell is the output FIFO's end of file: every writer closed, which `script` does when its
// shell exits and the kernel does when the container dies. Resizes go through a third FIFO, read by a small
// loop next to the shell that runs `stty` on the PTY (the kernel then sends SIGWINCH).
import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { PacedInput } from "./paced-input";
import type { TerminalPipeSet } from "./terminal-pipes";
import type { TerminalTransport } from "./terminal-transport";

/** How long the launcher may take to report (an engine under load starts an exec in tens of ms). */
const LAUNCH_DEADLINE_MS = 15_000;
/** How often a launcher that has not reported is checked for having exited. */
const LAUNCH_CHECK_MS = 100;
const STATUS_LINE_MAX_BYTES = 512;
const STATUS_PREFIX = "circus-terminal:";
/** After the output's end, how long the exec may take to show as exited (its exit code). */
const EXIT_CODE_CHECKS = 10;
const EXIT_CODE_CHECK_MS = 30;

/**
 * $1..$4: the input, output and control FIFOs inside the sandbox, and the command for the PTY. The output
 * FIFO is opened first (the server holds a reader, so it does not block) to report on; only POSIX shells can
 * run the inner command (`script -c` runs it with $SHELL). util-linux's `script -e` passes the exit code on.
 */
const LAUNCHER = `
in=$1 out=$2 ctl=$3 inner=$4
[ -p "$out" ] || exit 126
exec 5>"$out" || exit 126
fail() { printf '${STATUS_PREFIX}%s %s\\n' "$1" "$2" >&5; exit "$1"; }
[ -p "$in" ] && [ -p "$ctl" ] || fail 126 "the terminal pipes are missing"
command -v script >/dev/null 2>&1 || fail 127 "the image has no script (util-linux or busybox)"
command -v stty >/dev/null 2>&1 || fail 127 "the image has no stty"
case "\${SHELL:-/bin/sh}" in
  */sh|*/bash|*/dash|*/ash|*/zsh|*/ksh|*/mksh) ;;
  *) fail 127 "SHELL=$SHELL is not a POSIX shell" ;;
esac
case "$(script -V 2>&1)" in *util-linux*) set -- -e ;; *) set -- ;; esac
printf '${STATUS_PREFIX}ok\\n' >&5
exec script -q -f "$@" -c "$inner" /dev/null <"$in" >&5 2>&5 5>&-
`;

export type PipeLaunch =
  | { started: true; transport: TerminalTransport }
  /**
   * Nothing is left running: the image cannot run a pipe terminal (`unreachable` false), or the sandbox does
   * not see this machine's pipes folder (true: the server runs elsewhere than the engine, e.g. in a container).
   */
  | { started: false; why: string; unreachable: boolean };

export interface PipeLaunchInput {
  docker: Dockerode;
  containerId: string;
  pipes: TerminalPipeSet;
  command: readonly string[];
  /** The exec's environment (TERM, LANG, the learner's, the terminal's marker). */
  env: readonly string[];
  cols: number;
  rows: number;
  logger: Logger;
}

/** Starts `command` on a PTY behind the pipes; the pipes are removed when this fails or the transport is destroyed. */
export async function launchPipeTerminal(input: PipeLaunchInput): Promise<PipeLaunch> {
  const { docker, containerId, pipes } = input;
  const fds: number[] = [];
  let output: Socket | undefined;
  let started = false;
  try {
    // The server's ends, all non-blocking so no open or write ever waits on the sandbox. Input and control
    // are read-write: the open returns at once, and the launcher's own opens do not wait for a writer.
    const inputFd = openFifo(pipes.input, constants.O_RDWR, fds);
    const outputFd = openFifo(pipes.output, constants.O_RDONLY, fds);
    // Held until the launcher reported, so the reader does not see an end of file before it opened its end.
    const outputHoldFd = openFifo(pipes.output, constants.O_WRONLY, fds);
    const controlFd = openFifo(pipes.control, constants.O_RDWR, fds);

    const exec = await docker.getContainer(containerId).exec({
      Cmd: [
        "sh",
        "-c",
        LAUNCHER,
        "circus-terminal",
        pipes.inside.input,
        pipes.inside.output,
        pipes.inside.control,
        innerCommand(input.command, pipes.inside.control, input.cols, input.rows),
      ],
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      Env: [...input.env],
    });
    await exec.start({ Detach: true });

    output = new Socket({ fd: outputFd, readable: true, writable: false });
    fds.splice(fds.indexOf(outputFd), 1); // the socket owns it now
    const status = await readStatusLine(output, exec);
    if (status !== "ok") {
      const match = /^(\d+)\s*(.*)$/.exec(status ?? "");
      const why = match ? `${match[2] || "launcher failed"} (exit ${match[1]})` : (status ?? "");
      return { started: false, why, unreachable: match?.[1] === "126" };
    }
    closeFd(outputHoldFd, fds);
    const terminalInput = new PacedInput(new Socket({ fd: inputFd, readable: false, writable: true }));
    fds.splice(fds.indexOf(inputFd), 1);
    started = true;
    return { started: true, transport: pipeTransport(exec, terminalInput, output, controlFd, pipes, input.logger) };
  } finally {
    if (!started) {
      output?.destroy();
      for (const fd of [...fds]) closeFd(fd, fds);
      pipes.remove();
    }
  }
}

function pipeTransport(
  exec: Dockerode.Exec,
  input: PacedInput,
  output: Socket,
  controlFd: number,
  pipes: TerminalPipeSet,
  logger: Logger,
): TerminalTransport {
  let destroyed = false;
  const ended = new Promise<void>((resolve) => {
    output.once("end", () => resolve());
    output.once("close", () => resolve());
  });
  // An input FIFO nobody reads any more (the shell is gone) is not an error of the session's: its end comes.
  input.on("error", (error) => logger.debug({ err: error }, "terminal input pipe failed"));
  return {
    kind: "pipes",
    input,
    output,
    ended,
    onError: (listener) => output.on("error", listener),
    resize: async (cols, rows) => {
      if (destroyed) return;
      try {
        writeSync(controlFd, `${rows} ${cols}\n`);
      } catch (error) {
        // EAGAIN: 64 KiB of resizes not read, the resize loop is gone (the learner ended it).
        logger.debug({ err: error }, "could not pass a resize to the terminal");
      }
    },
    exitCode: async () => {
      for (let check = 1; check <= EXIT_CODE_CHECKS; check += 1) {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode;
        await new Promise((resolve) => setTimeout(resolve, EXIT_CODE_CHECK_MS));
      }
      return null;
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      input.destroy();
      output.destroy();
      closeSync(controlFd);
      pipes.remove();
    },
  };
}

/** The launcher's first line, without its prefix; undefined when it exited or went silent before reporting. */
async function readStatusLine(output: Socket, exec: Dockerode.Exec): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const deadline = Date.now() + LAUNCH_DEADLINE_MS;
    const finish = (value: string | undefined, error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(checks);
      output.off("data", onData);
      output.off("end", onEnd);
      output.off("error", onError);
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const newline = received.indexOf(10);
      if (newline < 0) {
        if (received.length > STATUS_LINE_MAX_BYTES) finish(`launcher said ${JSON.stringify(received.toString())}`);
        return;
      }
      output.pause();
      const rest = received.subarray(newline + 1);
      // What the shell printed right after the line stays first in the stream for the session.
      if (rest.length > 0) output.unshift(rest);
      const line = received.subarray(0, newline).toString("utf8");
      finish(
        line.startsWith(STATUS_PREFIX) ? line.slice(STATUS_PREFIX.length) : `launcher said ${JSON.stringify(line)}`,
      );
    };
    const onEnd = () => finish("the launcher closed the output before reporting");
    const onError = (error: Error) => finish(undefined, error);
    output.on("data", onData);
    output.once("end", onEnd);
    output.once("error", onError);
    // A launcher that cannot open the output FIFO (no bind in this sandbox) exits without a word.
    const checks = setInterval(() => {
      if (Date.now() > deadline) {
        finish(undefined, new Error(`the terminal did not start within ${LAUNCH_DEADLINE_MS} ms`));
        return;
      }
      exec.inspect().then(
        (info) => {
          if (!info.Running && info.ExitCode !== null) finish(`${info.ExitCode} the launcher exited before reporting`);
        },
        () => undefined,
      );
    }, LAUNCH_CHECK_MS);
  });
}

/**
 * The command `script` runs on the PTY: set the size, start the resize loop (ignoring job-control signals
 * and Ctrl-C of the shell's process group; numbers only), then become the terminal's command.
 */
export function innerCommand(command: readonly string[], controlInside: string, cols: number, rows: number): string {
  const resizeLoop =
    `(trap '' TSTP TTIN TTOU; while read -r r c; do case "$r.$c" in ` +
    `*[!0-9.]*|.*|*.) ;; *) stty rows "$r" cols "$c" </dev/tty ;; esac; done) ` +
    `<${shellQuote(controlInside)} >/dev/null 2>&1 &`;
  return `stty rows ${rows} cols ${cols} 2>/dev/null; ${resizeLoop} exec ${command.map(shellQuote).join(" ")}`;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Opens a FIFO without blocking and never through a symlink; refuses anything that is not a FIFO. */
function openFifo(path: string, mode: number, fds: number[]): number {
  const fd = openSync(path, mode | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  fds.push(fd);
  if (!fstatSync(fd).isFIFO()) throw new Error(`${path} is not a FIFO`);
  return fd;
}

function closeFd(fd: number, fds: number[]): void {
  const index = fds.indexOf(fd);
  if (index >= 0) fds.splice(index, 1);
  closeSync(fd);
}
