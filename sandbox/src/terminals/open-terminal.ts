// Opens an interactive terminal in a container: a PTY exec of a login shell (or a given command)
// with a UTF-8 xterm environment, wrapped in a TerminalSession that clients attach to.
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { ContainerNotRunningError, InvalidTerminalOptionsError } from "../errors";
import type { TerminalRecorder } from "../recordings/terminal-recording";
import { defaultFlowControl } from "./terminal-output";
import { TerminalSession, terminalSizeSchema } from "./terminal-session";

const environmentName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

export const terminalOptionsSchema = terminalSizeSchema.extend({
  /** What to run; default a login shell, `["bash", "-l"]`. */
  command: z.array(z.string()).min(1).default(["bash", "-l"]),
  /** Extra environment for the shell, on top of TERM=xterm-256color and LANG=C.UTF-8. */
  env: z.record(environmentName, z.string()).default({}),
  /** Output bytes kept for replay to (re)connecting clients. Default 64 KiB. */
  scrollbackBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /** How long the session outlives its last client before it ends the shell. Default 5 minutes. */
  graceMs: z.number().int().min(0).default(300_000),
  /** Flow control; see FlowControlOptions for the defaults. */
  flowControl: z
    .object({
      highWatermark: z.number().int().min(1),
      lowWatermark: z.number().int().min(0),
      stalledClientMs: z.number().int().min(1),
    })
    .partial()
    .default({}),
});

export type TerminalOptions = z.input<typeof terminalOptionsSchema> & {
  /** Default: a silent logger. */
  logger?: Logger;
  /** Records the session (asciicast); closed when the session ends. Default: not recorded. */
  recorder?: TerminalRecorder;
};

/** Retries of the first resize: the engine may not have started the process yet when it is sent. */
const RESIZE_ATTEMPTS = 5;

export async function openTerminal(
  docker: Dockerode,
  containerId: string,
  options: TerminalOptions,
): Promise<TerminalSession> {
  const { logger = pino({ level: "silent" }), recorder, ...rest } = options;
  const parsed = terminalOptionsSchema.safeParse(rest);
  if (!parsed.success) throw new InvalidTerminalOptionsError(z.prettifyError(parsed.error));
  const settings = parsed.data;
  const flowControl = { ...defaultFlowControl, ...settings.flowControl };
  if (flowControl.lowWatermark > flowControl.highWatermark) {
    throw new InvalidTerminalOptionsError("the low watermark exceeds the high watermark");
  }

  const id = randomBytes(18).toString("base64url");
  // A separate random marker (not the id, which learners must not learn) finds the shell to end it.
  const marker = `CIRCUS_TERMINAL=${randomBytes(12).toString("hex")}`;
  const userEnv = Object.entries(settings.env).map(([name, value]) => `${name}=${value}`);
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(containerId).exec({
      Cmd: settings.command,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ["TERM=xterm-256color", "LANG=C.UTF-8", ...userEnv, marker],
    });
    stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    // Keystrokes are tiny writes: over TCP (a Swarm node's engine) Nagle's algorithm would hold one back
    // while the previous echo is unacknowledged. A no-op on the local socket.
    (stream as Partial<Pick<Socket, "setNoDelay">>).setNoDelay?.(true);
  } catch (error) {
    if (isMissingOrStopped(error)) throw new ContainerNotRunningError(containerId, { cause: error });
    throw error;
  }
  const session = new TerminalSession({
    id,
    docker,
    containerId,
    exec,
    stream,
    marker,
    cols: settings.cols,
    rows: settings.rows,
    scrollbackBytes: settings.scrollbackBytes,
    graceMs: settings.graceMs,
    flowControl,
    logger,
    recorder,
  });
  await applyInitialSize(session, settings, logger);
  return session;
}

async function applyInitialSize(session: TerminalSession, size: { cols: number; rows: number }, logger: Logger) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await session.resize(size.cols, size.rows);
      return;
    } catch (error) {
      if (attempt >= RESIZE_ATTEMPTS || session.stats().state !== "running") {
        // A command that exits at once cannot be resized; the session reports its exit to clients.
        logger.warn({ err: error, terminal: session.id }, "could not set the terminal's initial size");
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

function isMissingOrStopped(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return status === 404 || status === 409;
}
