// Parses a database URL once, into the provider it names and what its driver needs: a file path
// for SQLite, separate connection fields for PostgreSQL (a connection string would make Prisma's
// migrate pick the wrong shadow database).
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { InvalidDatabaseUrlError } from "./errors";

export type DatabaseProvider = "sqlite" | "postgresql";

export interface SqliteTarget {
  provider: "sqlite";
  /** Absolute path of the database file. */
  file: string;
}

export interface PostgresTarget {
  provider: "postgresql";
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** The PostgreSQL schema (the URL's `?schema=`), `public` by default. */
  schema: string;
  ssl: boolean;
}

export type DatabaseTarget = SqliteTarget | PostgresTarget;

const urlSchema = z.string().trim().min(1, "the database URL is empty");
const identifier = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/**
 * `file:<path>` (relative paths resolve against `cwd`) → SQLite;
 * `postgres://` or `postgresql://user:password@host:port/database?schema=&sslmode=` → PostgreSQL.
 */
export function parseDatabaseUrl(input: string, cwd: string = process.cwd()): DatabaseTarget {
  const parsed = urlSchema.safeParse(input);
  if (!parsed.success) throw new InvalidDatabaseUrlError(input, parsed.error.issues[0]?.message ?? "invalid");
  const url = parsed.data;
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "" || path === ":memory:") throw new InvalidDatabaseUrlError(url, "name a database file");
    return { provider: "sqlite", file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return parsePostgresUrl(url);
  throw new InvalidDatabaseUrlError(redactPassword(url), "it must start with file:, postgres:// or postgresql://");
}

function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError(redactPassword(url), "it is not a valid URL");
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (parsed.hostname === "") throw new InvalidDatabaseUrlError(redactPassword(url), "it names no host");
  if (database === "" || database.includes("/")) {
    throw new InvalidDatabaseUrlError(redactPassword(url), "it must name one database, as in /circus");
  }
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!identifier.test(schema)) throw new InvalidDatabaseUrlError(redactPassword(url), `bad schema name ${schema}`);
  const sslmode = parsed.searchParams.get("sslmode") ?? "disable";
  return {
    provider: "postgresql",
    // URL keeps the brackets of an IPv6 literal; the driver wants the bare address.
    host: decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || "postgres",
    password: parsed.password === "" ? undefined : decodeURIComponent(parsed.password),
    database,
    schema,
    ssl: sslmode !== "disable" && sslmode !== "allow" && sslmode !== "prefer",
  };
}

/** The URL with its password replaced by `***`, safe for logs and error messages. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

/** A human-readable name of the target without secrets, for messages. */
export function describeTarget(target: DatabaseTarget): string {
  return target.provider === "sqlite"
    ? `SQLite ${target.file}`
    : `PostgreSQL ${target.user}@${target.host}:${target.port}/${target.database}`;
}
