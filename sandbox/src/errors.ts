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

export class ContainerDiedError extends SandboxError {
  override name = "ContainerDiedError";
  constructor(
    readonly host: string,
    readonly exitCode: number,
    readonly oomKilled: boolean,
  ) {
    super(
      "container_died",
      `host ${host} stopped (exit ${exitCode}${oomKilled ? ", killed for using too much memory" : ""})`,
      oomKilled ? "give the host more memory in the scenario, or use less" : "restart the environment",
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

export class TerminalNotFoundError extends SandboxError {
  override name = "TerminalNotFoundError";
  constructor(readonly terminalId: string) {
    super("terminal_not_found", `no terminal ${terminalId}`, "open a new terminal");
  }
}
