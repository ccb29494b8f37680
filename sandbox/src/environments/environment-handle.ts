// The handle on one environment that callers hold: everything done to an environment goes through it
// (commands, files, port forwards, terminals, lifetime). Backend-neutral: no engine type appears here.
import type http from "node:http";
import type { CommandResult, RunCommandOptions } from "../commands/run-command";
import type { FileToCopy } from "../files/copy-files";
import type { ReadFileOptions } from "../files/read-file";
import type { ForwardPortOptions } from "../ports/forward-port";
import type { PortForwardStream } from "../ports/port-forward-stream";
import type { PortProxyAgentOptions } from "../ports/port-proxy-agent";
import type { TerminalRecorder } from "../recordings/terminal-recording";
import type { TerminalOptions } from "../terminals/open-terminal";
import type { TerminalSession } from "../terminals/terminal-session";
import type { Environment } from "./environment";

/** What the runtime knows of one host: running, or stopped on its own (exit, OOM kill, engine restart). */
export interface HostState {
  name: string;
  state: "running" | "stopped";
  /** When stopped: the exit code the engine reported (-1 when unknown, e.g. the container is gone). */
  exitCode?: number;
  /** When stopped: whether the kernel killed it for using more memory than its limit. */
  oomKilled?: boolean;
  /** When stopped because it wrote more than its disk quota: that quota (MiB). */
  diskQuotaMiB?: number;
  /** When stopped because the machine (Swarm node) it ran on was lost: that node's name. */
  nodeLost?: string;
}

/** How a terminal is opened: its size and command (the runtime's defaults fill the rest). */
export type OpenTerminalOptions = Omit<TerminalOptions, "logger" | "recorder"> & {
  /** Makes the recorder of a shell this call starts (not called when it joins a running one). */
  record?: (size: { cols: number; rows: number }) => TerminalRecorder | undefined;
};

/** How a shell is primed: the size, command and environment a terminal will later ask for. */
export type PrimeTerminalOptions = Omit<TerminalOptions, "logger" | "recorder" | "graceMs"> & {
  /** How long the shell may take to open before it is given up. Default 15 000 ms. */
  deadlineMs?: number;
};

/**
 * Every call first checks that the environment is still there and the host still runs: it throws
 * EnvironmentNotFoundError, HostNotFoundError or ContainerDiedError (each with its remedy) otherwise.
 */
export interface EnvironmentHandle {
  readonly id: string;
  /** The environment as it is now (a snapshot: later changes do not show in it). */
  info(): Environment;
  /** The state of each host, in spec order. */
  hostStates(): HostState[];
  readonly commands: {
    /** Runs a command on a host (see RunCommandOptions); counts as activity. */
    run(host: string, options: RunCommandOptions): Promise<CommandResult>;
  };
  readonly files: {
    /** A file's bytes (symbolic links followed); FileNotFoundError / FileTooLargeError otherwise. */
    read(host: string, path: string, options?: ReadFileOptions): Promise<Buffer>;
    /** Writes one file (root-owned; default mode 0644), replacing one already there. */
    write(host: string, path: string, content: Buffer | string, options?: { mode?: number }): Promise<void>;
    /** Writes several files at once. */
    copy(host: string, files: FileToCopy[]): Promise<void>;
  };
  readonly ports: {
    /** A connection to 127.0.0.1:`port` inside the host (the host needs no network for it). */
    forward(host: string, port: number, options?: ForwardPortOptions): Promise<PortForwardStream>;
    /** An http.Agent whose every connection is such a forward (the host is checked at each connection). */
    agent(host: string, port: number, options?: PortProxyAgentOptions): http.Agent;
  };
  readonly terminals: {
    /**
     * The running session of terminal `terminalId`, else a new one on `host` (concurrent calls share
     * it). Clients replay its scrollback from an offset with `session.attach(listener, { since })`.
     */
    open(host: string, terminalId: string, options: OpenTerminalOptions): Promise<TerminalSession>;
    /**
     * Opens a shell on `host` ahead of any terminal (a warm environment's, so that a claim hands over a live
     * shell): the first `open` on that host with the same command and environment takes it over (resized to
     * its size, recorded from its first byte, its prompt in the scrollback). One per host; it ends with the
     * environment (destroy, reap, host restart) and is given up when not open within `deadlineMs` (default 15 s).
     * Resolves true once the shell runs, false when it was given up.
     */
    prime(host: string, options: PrimeTerminalOptions): Promise<boolean>;
    /** The running session of this terminal, if any. */
    find(terminalId: string): Promise<TerminalSession | undefined>;
    /** Whether this terminal is open or opening. */
    has(terminalId: string): boolean;
  };
  /** Records activity now (resets the idle timeout). */
  touch(): void;
  /** Pushes the expiry back by `seconds`. */
  extend(seconds: number): Environment;
  /** Replaces a host by a fresh one from its image (its terminals end first); the caller copies files again. */
  restartHost(host: string): Promise<Environment>;
  /** Ends its terminals and removes it; the handle is unusable afterwards. */
  destroy(): Promise<void>;
}
