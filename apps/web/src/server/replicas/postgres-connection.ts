// The `pg` connection settings of a PostgreSQL DATABASE_URL, as @circus/db reads it (separate fields,
// the URL's `?schema=` as the search path). Prisma cannot LISTEN or hold a session lock: these need pg.
import { parseDatabaseUrl } from "@circus/db";
import type pg from "pg";

export function postgresConnectionConfig(url: string): pg.ClientConfig {
  const target = parseDatabaseUrl(url);
  if (target.provider !== "postgresql") throw new Error("replica coordination needs a PostgreSQL DATABASE_URL");
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    ...(target.ssl ? { ssl: true } : {}),
    options: `-c search_path=${target.schema}`,
    application_name: "circus-web-replica",
  };
}
