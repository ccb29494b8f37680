// Opens an interactive terminal in a container: a login shell (or a given command) on a PTY with a UTF-8
// xterm environment, wrapped in a TerminalSession that clients attach to. On terminal pipes when the host has
// them (the engine carries no keystroke), else (or when the image cannot run one) a PTY exec of the engine.
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { ContainerNotRunningError, InvalidTerminalOptionsError } from "../errors";
import type { TerminalRecorder } from "../recordings/terminal-recording";
import { launchPipeTerminal } from "./pipe-transport";
import { defaultFlowControl } from "./terminal-output";
import type { HostTerminalPipes } from "./terminal-pipes";
import { TerminalSession, terminalSizeSchema } from "./terminal-session";
import { engineTransport, type TerminalTransport } from "./terminal-transport";

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
  /** The host's terminal pipes (a local engine's runtime gives them). Default: through the engine. */
  pipes?: HostTerminalPipes | undefined;
};

/** Retries of the first resize: the engine may not have started the process yet when it is sent. */
const RESIZE_ATTEMPTS = 5;

export async function openTerminal(
  docker: Dockerode,
  containerId: string,
  options: TerminalOptions,
): Promise<TerminalSession> {
  const { logger = pino({ level: "silent" }), recorder, pipes, ...rest } = options;
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
  const env = ["TERM=xterm-256color", "LANG=C.UTF-8", ...userEnv, marker];
  let transport: TerminalTransport | undefined;
  try {
    transport = pipes ? await openOnPipes(docker, containerId, pipes, settings, env, logger) : undefined;
    if (!transport) {
      const exec = await docker.getContainer(containerId).exec({
        Cmd: settings.command,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: env,
      });
      const stream: Duplex = await exec.start({ hijack: true, stdin: true, Tty: true });
      transport = engineTransport(exec, stream);
    }
  } catch (error) {
    if (isMissingOrStopped(error)) throw new ContainerNotRunningError(containerId, { cause: error });
    throw error;
  }
  const session = new TerminalSession({
    id,
    docker,
    containerId,
    transport,
    marker,
    cols: settings.cols,
    rows: settings.rows,
    scrollbackBytes: settings.scrollbackBytes,
    graceMs: settings.graceMs,
    flowControl,
    logger,
    recorder,
  });
  // On pipes the size was set before the command started.
  if (transport.kind === "engine") await applyInitialSize(session, settings, logger);
  return session;
}

async function openOnPipes(
  docker: Dockerode,
  containerId: string,
  pipes: HostTerminalPipes,
  settings: { command: string[]; cols: number; rows: number },
  env: string[],
  logger: Logger,
): Promise<TerminalTransport | undefined> {
  if (!pipes.usable(containerId)) return undefined;
  const set = await pipes.create();
  if (!set) return undefined;
  const launch = await launchPipeTerminal({
    docker,
    containerId,
    pipes: set,
    command: settings.command,
    env,
    cols: settings.cols,
    rows: settings.rows,
    logger,
  });
  if (launch.started) return launch.transport;
  pipes.markUnusable(containerId, launch.why, launch.unreachable);
  return undefined;
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
