// The one table from error codes to HTTP statuses, and the JSON error body `{ error: { code, message } }`.
// Typed errors of the app and its libraries keep their message (written for people); anything else
// becomes a generic 500, logged with its stack, which never reaches the response.
import { DatabaseError, isConnectionFailure } from "@circus/db";
import { LabError } from "@circus/lab";
import { SandboxError } from "@circus/sandbox";
import type { Logger } from "../../logger";

/** An error of the web app the HTTP layer answers as is: a code from the table and a message fit for learners. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: string,
    message: string,
    readonly options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_file_path: 400,
  invalid_terminal_options: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf: 403,
  forbidden: 403,
  invitation_invalid: 403,
  setup_token_invalid: 403,
  setup_token_required: 403,
  terminal_read_only: 403,
  not_found: 404,
  run_not_found: 404,
  scenario_not_found: 404,
  step_not_found: 404,
  host_not_found: 404,
  file_not_found: 404,
  no_solve_script: 404,
  recording_not_found: 404,
  saved_lab_not_found: 404,
  terminal_not_found: 404,
  workshop_not_found: 404,
  not_in_workshop: 404,
  join_code_unknown: 404,
  method_not_allowed: 405,
  check_required: 409,
  run_not_ready: 409,
  run_ended: 409,
  extend_limit: 409,
  step_not_current: 409,
  email_taken: 409,
  setup_claimed: 409,
  join_code_taken: 409,
  workshop_full: 409,
  workshop_not_open: 409,
  lab_busy: 409,
  rewind_disabled: 409,
  saving_disabled: 409,
  saved_lab_storage_full: 409,
  command_interrupted: 409,
  checkpoint_too_large: 413,
  environment_missing: 410,
  environment_not_found: 410,
  container_died: 410,
  container_not_running: 410,
  host_node_lost: 410,
  host_task_not_running: 410,
  terminal_closed: 410,
  workshop_ended: 410,
  payload_too_large: 413,
  file_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_many_streams: 429,
  capacity: 429,
  environments_per_learner: 429,
  environments_per_address: 429,
  capacity_exceeded: 429,
  port_closed: 502,
  port_forward_failed: 502,
  engine_unreachable: 503,
  node_engine_unreachable: 503,
  host_start_failed: 503,
  disk_reserve_low: 503,
  image_missing: 503,
  database_unreachable: 503,
  server_not_started: 503,
  server_stopping: 503,
  command_timed_out: 504,
  docker_host_unsupported: 501,
};

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string } };
  headers: Record<string, string>;
}

const GENERIC_MESSAGE = "Something went wrong on our side. Try again in a moment.";
/** What learners read while the database is away (the operator's details go to the log only). */
export const DATABASE_DOWN_MESSAGE =
  "Circus cannot reach its database right now. Your progress so far is saved: try again in a few seconds.";

/** The response for `error`; unknown errors are logged (with the stack) and answered with a generic 500. */
export function errorReply(error: unknown, logger: Logger): ErrorReply {
  if (isConnectionFailure(error) || (error instanceof DatabaseError && error.code === "database_unreachable")) {
    logger.warn({ err: error }, "the database does not answer");
    return {
      status: 503,
      body: { error: { code: "database_unreachable", message: DATABASE_DOWN_MESSAGE } },
      headers: { "Retry-After": "5" },
    };
  }
  const known = knownError(error);
  if (!known) {
    logger.error({ err: error }, "request failed");
    return { status: 500, body: { error: { code: "internal", message: GENERIC_MESSAGE } }, headers: {} };
  }
  const { code, message, status } = known;
  if (status >= 500) logger.warn({ err: error, code }, "request failed with a known error");
  const retryAfter = error instanceof AppError ? error.options.retryAfterSeconds : undefined;
  return {
    status,
    body: { error: { code: code === "capacity_exceeded" ? "capacity" : code, message } },
    headers: retryAfter === undefined ? {} : { "Retry-After": String(Math.max(1, Math.ceil(retryAfter))) },
  };
}

/** The code, message and status of an error the table knows and whose message is written for people. */
export function knownError(error: unknown): { code: string; message: string; status: number } | undefined {
  const typed =
    error instanceof AppError ||
    error instanceof SandboxError ||
    error instanceof LabError ||
    error instanceof DatabaseError;
  if (!typed) return undefined;
  const status = STATUS_BY_CODE[error.code];
  return status === undefined ? undefined : { code: error.code, message: error.message, status };
}
