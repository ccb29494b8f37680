// Recognizing a database that stopped answering while the app runs (server down or restarting,
// connections cut): Prisma's connection error codes and the driver adapter's error kinds, read
// by shape so neither generated client is imported here.

/** Prisma codes for "cannot reach", "timed out", "connection closed", "pool timeout". */
const CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Kinds of @prisma/driver-adapter-utils errors that mean the server is away. */
const CONNECTION_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** Node's socket errors, when a driver error surfaces unwrapped. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"]);

/** True when `error` says the database is not reachable now (not that a query was wrong). */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, meta, kind, cause } = error as { code?: unknown; meta?: unknown; kind?: unknown; cause?: unknown };
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || SOCKET_CODES.has(code))) return true;
  if (typeof kind === "string" && CONNECTION_KINDS.has(kind)) return true;
  const adapterError = (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  if (adapterError && isConnectionFailure(adapterError, depth + 1)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailure(inner, depth + 1)))
    return true;
  return cause !== undefined && isConnectionFailure(cause, depth + 1);
}
