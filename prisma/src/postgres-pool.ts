// The `pg` pool configuration for a PostgreSQL target, used by the app's client and by
// `prisma migrate` (postgresql/prisma.config.ts). Migrations need one workaround, below.
import pg from "pg";
import type { PostgresTarget } from "./database-url";

/**
 * Prisma's schema engine reads catalog columns typed `name` (oid 19) and `"char"` (oid 18), which
 * @prisma/adapter-pg 6.19 cannot map ("Column type 'name' could not be deserialized",
 * prisma/orm#27403). Their values arrive as plain strings anyway, so this client relabels those
 * result fields as `text` (oid 25) before the adapter looks at them.
 */
const catalogTextTypes = new Map([
  [18, 25],
  [19, 25],
]);

interface FieldLike {
  dataTypeID: number;
}

function relabelCatalogTypes<T>(result: T): T {
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields: unknown = (one as { fields?: unknown } | null | undefined)?.fields;
    if (!Array.isArray(fields)) continue;
    for (const field of fields as FieldLike[]) {
      const replacement = catalogTextTypes.get(field.dataTypeID);
      if (replacement !== undefined) field.dataTypeID = replacement;
    }
  }
  return result;
}

export class CatalogTypesAsTextClient extends pg.Client {
  // pg's `query` has many overloads (promise, callback, submittable); this wrapper handles all of
  // them, so it is typed as loosely as the union of those overloads.
  // biome-ignore lint/suspicious/noExplicitAny: forwards every overload of pg.Client#query
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, relabelCatalogTypes(result));
      return Reflect.apply(pg.Client.prototype.query, this, args);
    }
    const outcome: unknown = Reflect.apply(pg.Client.prototype.query, this, args);
    return outcome instanceof Promise ? outcome.then(relabelCatalogTypes) : outcome;
  }
}

export interface PostgresPoolOptions {
  /** Relabel catalog types for Prisma's schema engine (only `prisma migrate` needs it). Default false. */
  forMigrations?: boolean;
  /** Most connections the pool opens. Default 10 (pg's default). */
  max?: number;
}

export function postgresPoolConfig(target: PostgresTarget, options: PostgresPoolOptions = {}): pg.PoolConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: target.ssl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 500,
    // Without this an idle pool keeps a one-shot process such as `prisma migrate deploy` alive
    // for pg's idle timeout (10 s) after its work is done.
    allowExitOnIdle: true,
    ...(options.forMigrations ? { Client: CatalogTypesAsTextClient } : {}),
  };
}
