// Reading the errors dockerode throws: HTTP status of an Engine API answer, or a transport
// failure that means the engine is not there (which becomes EngineUnreachableError).
import { EngineUnreachableError, SandboxError } from "../errors";

const UNREACHABLE_CODES = new Set([
  "ENOENT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EACCES",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/** The HTTP status of an Engine API error, or undefined for any other error. */
export function engineStatusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

/** The engine's own message for an API error (e.g. "No such image: x"), else the error's message. */
export function engineMessageOf(error: unknown): string {
  if (typeof error === "object" && error !== null && "json" in error) {
    const json = (error as { json: unknown }).json;
    if (typeof json === "object" && json !== null && "message" in json) return String(json.message);
  }
  return error instanceof Error ? error.message : String(error);
}

/** Turns a transport failure into EngineUnreachableError; leaves every other error as it is. */
export function asEngineError(error: unknown): unknown {
  if (error instanceof SandboxError) return error;
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) {
      return new EngineUnreachableError(`${code}: ${engineMessageOf(error)}`, { cause: error });
    }
  }
  return error;
}

/** Runs an engine call, rethrowing transport failures as EngineUnreachableError. */
export async function callEngine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asEngineError(error);
  }
}
