// Typed errors of @circus/lab. Like the sandbox's errors, each has a stable `code` and a `remedy`
// saying what to do; the web app maps codes to HTTP statuses and the CLI prints the remedy.

export class LabError extends Error {
  override name = "LabError";
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${remedy})`, options);
  }
}

export class StepNotFoundError extends LabError {
  override name = "StepNotFoundError";
  constructor(
    readonly stepIndex: number,
    stepCount: number,
  ) {
    super(
      "step_not_found",
      `the scenario has no step ${stepIndex} (it has ${stepCount}, numbered from 0)`,
      "ask for a step index from 0 to the number of steps minus one",
    );
  }
}

export class NoSolveScriptError extends LabError {
  override name = "NoSolveScriptError";
  constructor(readonly stepIndex: number) {
    super(
      "no_solve_script",
      `step ${stepIndex} has no solve script`,
      "add a solve script to the step (a `bash solve` block, or a <step>.solve.sh file)",
    );
  }
}

export class AssetUnreadableError extends LabError {
  override name = "AssetUnreadableError";
  constructor(
    readonly source: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "asset_unreadable",
      `the asset assets/${source} cannot be read: ${detail}`,
      "put the file under the scenario's assets/ folder and run `circus validate` on the scenario",
      options,
    );
  }
}

export class EnvironmentMissingError extends LabError {
  override name = "EnvironmentMissingError";
  constructor(readonly environmentId: string) {
    super(
      "environment_missing",
      `the runtime holds no environment ${environmentId}`,
      "it may have expired or been stopped: start a new lab",
    );
  }
}
