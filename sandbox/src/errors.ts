// Typed errors of the sandbox runtime. Each has a stable `code` and a `remedy` that tells the
// operator or author what to do; messages never include stack traces meant for learners.

export class SandboxError extends Error {
  override name = "SandboxError";
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${remedy})`, options);
  }
}

export class EngineUnreachableError extends SandboxError {
  override name = "EngineUnreachableError";
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      "engine_unreachable",
      `the Docker engine does not answer: ${detail}`,
      "start Docker (npm start does it for you as root) or set DOCKER_HOST to a reachable engine",
      options,
    );
  }
}

export class ImageMissingError extends SandboxError {
  override name = "ImageMissingError";
  constructor(readonly image: string) {
    super("image_missing", `the image ${image} is not on the engine`, "build the sandbox images with `npm run images`");
  }
}

export class InvalidSpecError extends SandboxError {
  override name = "InvalidSpecError";
  constructor(detail: string) {
    super("invalid_spec", `the environment spec is invalid: ${detail}`, "fix the scenario's hosts");
  }
}

export class EnvironmentNotFoundError extends SandboxError {
  override name = "EnvironmentNotFoundError";
  constructor(readonly environmentId: string) {
    super(
      "environment_not_found",
      `no environment ${environmentId}`,
      "it may have expired or been stopped: start a new one",
    );
  }
}

export class HostNotFoundError extends SandboxError {
  override name = "HostNotFoundError";
  constructor(
    readonly environmentId: string,
    readonly host: string,
  ) {
    super("host_not_found", `environment ${environmentId} has no host ${host}`, "use a host the scenario declares");
  }
}

export class CommandTimedOutError extends SandboxError {
  override name = "CommandTimedOutError";
  constructor(readonly timeoutMs: number) {
    super(
      "command_timed_out",
      `the command did not finish within ${timeoutMs} ms and was killed`,
      "raise its timeout or make it finish sooner",
    );
  }
}

export class CommandAbortedError extends SandboxError {
  override name = "CommandAbortedError";
  constructor() {
    super("command_aborted", "the command was cancelled", "run it again if it is still needed");
  }
}

export class CommandInterruptedError extends SandboxError {
  override name = "CommandInterruptedError";
  constructor() {
    super(
      "command_interrupted",
      "the command was interrupted: a process in the host killed Circus's command helper while the command ran",
      "run it again (the next command starts a new helper); avoid `kill -9 -1` or `pkill sh` while a check runs",
    );
  }
}

export class ContainerDiedError extends SandboxError {
  override name = "ContainerDiedError";
  constructor(
    readonly host: string,
    readonly exitCode: number,
    readonly oomKilled: boolean,
    /** Set when the runtime stopped the host for writing more than its disk quota (in MiB). */
    readonly diskQuotaMiB?: number,
  ) {
    super(
      "container_died",
      diskQuotaMiB !== undefined
        ? `host ${host} was stopped: it wrote more than its disk quota of ${diskQuotaMiB} MiB`
        : `host ${host} stopped (exit ${exitCode}${oomKilled ? ", killed for using too much memory" : ""})`,
      diskQuotaMiB !== undefined
        ? "restart the host (its files start fresh); write less, or ask the author for a larger `disk`"
        : oomKilled
          ? "restart the host, and use less memory (or give the host more in the scenario)"
          : "restart the host",
    );
  }
}

export class DiskReserveLowError extends SandboxError {
  override name = "DiskReserveLowError";
  constructor(
    readonly freeMiB: number,
    readonly reserveMiB: number,
  ) {
    super(
      "disk_reserve_low",
      `the machine has ${freeMiB} MiB of free disk left, below its reserve of ${reserveMiB} MiB: no new environment starts`,
      "try again later; operators: free disk space on the engine's data root or lower CIRCUS_SANDBOX_DISK_RESERVE_MIB",
    );
  }
}

export class CapacityExceededError extends SandboxError {
  override name = "CapacityExceededError";
  constructor(limit: number) {
    super(
      "capacity_exceeded",
      `the runtime already runs its limit of ${limit} environments`,
      "try again in a few minutes, or raise the capacity",
    );
  }
}

export class EngineStartFailedError extends SandboxError {
  override name = "EngineStartFailedError";
  constructor(
    detail: string,
    readonly logFile: string,
    readonly logTail: string[],
  ) {
    super(
      "engine_start_failed",
      `dockerd did not come up: ${detail}${logTail.length > 0 ? `\n--- last lines of ${logFile} ---\n${logTail.join("\n")}\n---` : ""}`,
      `read ${logFile}, fix what it reports, then run the start again`,
    );
  }
}

export class ToolMissingError extends SandboxError {
  override name = "ToolMissingError";
  constructor(
    readonly tool: string,
    readonly debianPackage: string,
    detail: string,
  ) {
    super(
      "tool_missing",
      `${tool} is not available: ${detail}`,
      `install it as root with \`apt-get install -y ${debianPackage}\` (Circus does it itself when it runs as root on Debian)`,
    );
  }
}

export class AptMirrorNotFoundError extends SandboxError {
  override name = "AptMirrorNotFoundError";
  constructor(detail: string) {
    super(
      "apt_mirror_not_found",
      `no Debian mirror found in the apt configuration: ${detail}`,
      "add a Debian mirror to /etc/apt/sources.list.d/debian.sources (deb822 `URIs:`) or /etc/apt/sources.list",
    );
  }
}

export class ImageManifestInvalidError extends SandboxError {
  override name = "ImageManifestInvalidError";
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super("image_manifest_invalid", `${file} is invalid: ${detail}`, "fix docker/images.json");
  }
}

export class ImageBuildFailedError extends SandboxError {
  override name = "ImageBuildFailedError";
  constructor(
    readonly image: string,
    detail: string,
    readonly logTail: string[],
    options?: { cause?: unknown },
  ) {
    super(
      "image_build_failed",
      `building ${image} failed: ${detail}${logTail.length > 0 ? `\n--- last lines of the build ---\n${logTail.join("\n")}\n---` : ""}`,
      "fix the image's Dockerfile (or the machine's apt access) and build again",
      options,
    );
  }
}

export class FileNotFoundError extends SandboxError {
  override name = "FileNotFoundError";
  constructor(readonly path: string) {
    super("file_not_found", `no file ${path} in the host`, "check the path, or create the file first");
  }
}

export class FileTooLargeError extends SandboxError {
  override name = "FileTooLargeError";
  constructor(
    readonly path: string,
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      "file_too_large",
      `${path} has ${sizeBytes} bytes, more than the limit of ${maxBytes}`,
      "read a smaller file or raise maxBytes",
    );
  }
}

export class InvalidFilePathError extends SandboxError {
  override name = "InvalidFilePathError";
  constructor(readonly path: string) {
    super(
      "invalid_file_path",
      `${JSON.stringify(path)} is not a usable file path`,
      "use an absolute path (or one starting with ~/) without '..' segments",
    );
  }
}

export class FileWriteFailedError extends SandboxError {
  override name = "FileWriteFailedError";
  constructor(detail: string) {
    super("file_write_failed", `writing files in the host failed: ${detail}`, "check that the folder is writable");
  }
}

export class TerminalClosedError extends SandboxError {
  override name = "TerminalClosedError";
  constructor(readonly terminalId: string) {
    super("terminal_closed", `terminal ${terminalId} has ended`, "open a new terminal");
  }
}

export class TerminalReadOnlyError extends SandboxError {
  override name = "TerminalReadOnlyError";
  constructor(readonly terminalId: string) {
    super(
      "terminal_read_only",
      `this client only observes terminal ${terminalId} and cannot type into it`,
      "attach without readOnly to type",
    );
  }
}

export class InvalidTerminalOptionsError extends SandboxError {
  override name = "InvalidTerminalOptionsError";
  constructor(detail: string) {
    super(
      "invalid_terminal_options",
      `the terminal options are invalid: ${detail}`,
      "send whole numbers of columns and rows from 1 to 1000, and a non-empty command array",
    );
  }
}

export class ContainerNotRunningError extends SandboxError {
  override name = "ContainerNotRunningError";
  constructor(
    readonly containerId: string,
    options?: { cause?: unknown },
  ) {
    super(
      "container_not_running",
      `container ${containerId.slice(0, 12)} is not running or no longer exists`,
      "restart the environment",
      options,
    );
  }
}

export class PortClosedError extends SandboxError {
  override name = "PortClosedError";
  constructor(
    readonly port: number,
    detail: string,
  ) {
    super(
      "port_closed",
      `nothing accepts connections on 127.0.0.1:${port} inside the host (${detail})`,
      `start a server listening on port ${port} (on 127.0.0.1 or 0.0.0.0) inside the host, then retry`,
    );
  }
}

export class PortForwardFailedError extends SandboxError {
  override name = "PortForwardFailedError";
  constructor(
    readonly port: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "port_forward_failed",
      `forwarding port ${port} failed: ${detail}`,
      "check that the host runs and its image has python3 (circus/base does), then retry",
      options,
    );
  }
}

export class UnknownImageError extends SandboxError {
  override name = "UnknownImageError";
  constructor(
    readonly image: string,
    known: string[],
  ) {
    super(
      "unknown_image",
      `docker/images.json has no image ${image}`,
      `name one of ${known.join(", ")} (or its context folder), or add the image to docker/images.json`,
    );
  }
}

export class InvalidPoolOptionsError extends SandboxError {
  override name = "InvalidPoolOptionsError";
  constructor(detail: string) {
    super(
      "invalid_pool_options",
      `the warm pool options are invalid: ${detail}`,
      "give the pool a key of letters, digits and ._-:@ (at most 63), a size from 0 to 100 and positive durations",
    );
  }
}

export class RuntimeUnavailableError extends SandboxError {
  override name = "RuntimeUnavailableError";
  constructor(
    readonly runtime: string,
    readonly offered: string[],
    options?: { cause?: unknown },
  ) {
    super(
      "runtime_unavailable",
      `the Docker engine has no OCI runtime ${runtime} (it offers ${offered.join(", ") || "none"})`,
      `register ${runtime} with dockerd (a "runtimes" entry in its daemon.json, then SIGHUP dockerd; see sandbox/README.md) or set CIRCUS_SANDBOX_RUNTIME=runc`,
      options,
    );
  }
}

export class RegistrySeedFailedError extends SandboxError {
  override name = "RegistrySeedFailedError";
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      "registry_seed_failed",
      `could not seed the Circus registry: ${detail}`,
      "run `npm run images` again; `docker logs` of the circus-registry-seed container says more while it runs",
      options,
    );
  }
}

export class CheckpointTooLargeError extends SandboxError {
  override name = "CheckpointTooLargeError";
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      "checkpoint_too_large",
      `the hosts' files take ${Math.ceil(sizeBytes / 1024 / 1024)} MiB, more than the ${Math.floor(maxBytes / 1024 / 1024)} MiB a lab may keep in checkpoints`,
      "delete large files you no longer need (caches, downloads), then try again",
    );
  }
}
