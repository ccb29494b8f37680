// Opens the database a URL names: SQLite through better-sqlite3, PostgreSQL through pg, each with the
// Prisma client generated for it, behind one `Database` with the repositories bound to it.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "../generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "../generated/sqlite/client";
import type { DbClient } from "./client";
import { type DatabaseProvider, type DatabaseTarget, describeTarget, parseDatabaseUrl } from "./database-url";
import { DatabaseUnreachableError, messageOf } from "./errors";
import { postgresPoolConfig } from "./postgres-pool";
import { type Repositories, repositoriesFor } from "./repositories";

export interface OpenDatabaseOptions {
  /** `file:<path>` (SQLite; a relative path resolves against the working directory) or `postgresql://...`. */
  url: string;
  /** PostgreSQL only: the most connections the pool opens. Default 10. */
  maxConnections?: number;
  /** Called with the SQL of every query the client sends (tests count the queries of a request). Default none. */
  onQuery?: (sql: string) => void;
}

export interface Database extends Repositories {
  readonly provider: DatabaseProvider;
  /** The Prisma client, typed as the operations both providers share. Prefer the repositories. */
  readonly client: DbClient;
  /** Closes the connections. Safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Opens the database and checks that it answers (it does not migrate: call `migrateDatabase` first).
 * Throws `InvalidDatabaseUrlError` for a bad URL and `DatabaseUnreachableError` when it does not answer.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const target = parseDatabaseUrl(options.url);
  const client = createClient(target, options);
  try {
    await client.$queryRawUnsafe("SELECT 1");
    if (target.provider === "sqlite") await useWriteAheadLog(client);
  } catch (error) {
    await client.$disconnect().catch(() => undefined);
    throw new DatabaseUnreachableError(describeTarget(target), messageOf(error), { cause: error });
  }
  let disposed: Promise<void> | undefined;
  return {
    provider: target.provider,
    client,
    dispose: () => {
      disposed ??= client.$disconnect();
      return disposed;
    },
    ...repositoriesFor(client),
  };
}

function createClient(target: DatabaseTarget, options: OpenDatabaseOptions): DbClient {
  if (target.provider === "sqlite") {
    mkdirSync(dirname(target.file), { recursive: true });
    // `timeout`: wait up to 5 s for a lock another process (the CLI, a migration) holds.
    const adapter = new PrismaBetterSQLite3({ url: target.file, timeout: 5_000 });
    if (!options.onQuery) {
      const client: DbClient = new SqlitePrismaClient({ adapter });
      return client;
    }
    const { onQuery } = options;
    const logged = new SqlitePrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
    logged.$on("query", (event) => onQuery(event.query));
    const client: DbClient = logged;
    return client;
  }
  const pool = postgresPoolConfig(target, { max: options.maxConnections });
  const adapter = new PrismaPg(pool, { schema: target.schema });
  if (!options.onQuery) {
    const client: DbClient = new PostgresPrismaClient({ adapter });
    return client;
  }
  const { onQuery } = options;
  const logged = new PostgresPrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  logged.$on("query", (event) => onQuery(event.query));
  const client: DbClient = logged;
  return client;
}

/**
 * SQLite in write-ahead-log mode with `synchronous = NORMAL`: a commit appends to the log without an
 * fsync (the log is synced at checkpoints), and readers never wait for the writer. better-sqlite3 runs on
 * the server's event loop, so in the default rollback-journal mode every insert's fsyncs (a recording
 * chunk per terminal every 2 s, an event per Check) blocked every terminal: half the server's CPU profile
 * under 50 learners. A power cut may lose the last commits, never corrupt the database. The mode is
 * stored in the file, so the CLI and migrations use it too.
 */
async function useWriteAheadLog(client: DbClient): Promise<void> {
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
}
