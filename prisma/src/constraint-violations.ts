// Recognises the Prisma errors the repositories turn into typed errors. Both generated clients throw
// the same runtime's PrismaClientKnownRequestError, so its `code` is checked without importing either.

export type ConstraintViolation =
  | { kind: "unique"; fields: string[] }
  | { kind: "foreign-key" }
  | { kind: "record-not-found" };

export function constraintViolationOf(error: unknown): ConstraintViolation | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  switch (error.code) {
    case "P2002":
      return { kind: "unique", fields: uniqueFieldsOf(error) };
    case "P2003":
      return { kind: "foreign-key" };
    case "P2025":
      return { kind: "record-not-found" };
    default:
      return undefined;
  }
}

/** The columns of the violated unique constraint, as far as the driver adapter reports them. */
function uniqueFieldsOf(error: object): string[] {
  const meta = "meta" in error ? error.meta : undefined;
  const target = (meta as { target?: unknown } | undefined)?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  const cause = (meta as { driverAdapterError?: { cause?: { constraint?: unknown } } } | undefined)?.driverAdapterError
    ?.cause?.constraint;
  if (typeof cause === "object" && cause !== null) {
    if ("fields" in cause && Array.isArray(cause.fields)) return cause.fields.map(String);
    if ("index" in cause && typeof cause.index === "string") return [cause.index];
  }
  return [];
}
