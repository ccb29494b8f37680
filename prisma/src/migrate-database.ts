// Applies the checked-in migrations of the URL's provider by running `prisma migrate deploy` (Prisma
// 6.19's JavaScript schema engine, offline) as a child process. Idempotent: applied ones are skipped.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { isUpToDate } from "./applied-migrations";
import { prismaCliEnvironment } from "./config";
import { type DatabaseProvider, type DatabaseTarget, describeTarget, parseDatabaseUrl } from "./database-url";
import { DatabaseUnreachableError, MigrationFailedError, messageOf } from "./errors";
import { type Database, openDatabase } from "./open-database";
import { postgresPoolConfig } from "./postgres-pool";

export interface MigrateDatabaseOptions {
  /** The database to migrate, as for `openDatabase`. */
  url: string;
  /** Receives each line the Prisma CLI prints. Default: discarded. */
  onLog?: (line: string) => void;
  /** Stops the migration process (the migration in flight is rolled back by the database). */
  signal?: AbortSignal;
}

export interface MigrationReport {
  provider: DatabaseProvider;
  /** The migrations this call applied (empty when the database was up to date). */
  applied: string[];
  durationMs: number;
}

const workspaceDir = dirname(dirname(fileURLToPath(import.meta.url)));
const migrationFolders: Record<DatabaseProvider, string> = {
  sqlite: `${workspaceDir}/migrations`,
  postgresql: `${workspaceDir}/postgresql/migrations`,
};
const configFiles: Record<DatabaseProvider, string> = {
  sqlite: `${workspaceDir}/prisma.config.ts`,
  postgresql: `${workspaceDir}/postgresql/prisma.config.ts`,
};
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
/** What `migrate deploy` prints last when it succeeded. */
const finished = /^(All migrations have been successfully applied\.|No pending migrations to apply\.)$/;
/** How long the CLI may take to exit once it said it finished before it is stopped (see below). */
const lingerMs = 300;

/**
 * Brings the database's schema up to date. Throws `DatabaseUnreachableError` (with the remedy) when
 * it does not answer, `MigrationFailedError` with the CLI's last lines when a migration fails.
 */
export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<MigrationReport> {
  const started = performance.now();
  const target = parseDatabaseUrl(options.url);
  await checkReachable(target);
  if (await alreadyUpToDate(options.url, target)) {
    return { provider: target.provider, applied: [], durationMs: Math.round(performance.now() - started) };
  }
  const url = target.provider === "sqlite" ? `file:${target.file}` : options.url;
  const output = await runMigrateDeploy(target, url, options);
  const applied = output.flatMap((line) => /^\s*└─ (\S+)\/$/.exec(line)?.[1] ?? []);
  return { provider: target.provider, applied, durationMs: Math.round(performance.now() - started) };
}

/** Reads `_prisma_migrations` through the app's own client; any doubt answers false (the CLI decides). */
async function alreadyUpToDate(url: string, target: DatabaseTarget): Promise<boolean> {
  let database: Database | undefined;
  try {
    database = await openDatabase({ url, maxConnections: 1 });
    return await isUpToDate(database.client, migrationFolders[target.provider]);
  } catch {
    return false;
  } finally {
    await database?.dispose();
  }
}

/** Fails fast with the remedy, instead of the CLI's retries and generic message. */
async function checkReachable(target: DatabaseTarget): Promise<void> {
  if (target.provider === "sqlite") {
    mkdirSync(dirname(target.file), { recursive: true });
    return;
  }
  const client = new pg.Client(postgresPoolConfig(target));
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnreachableError(describeTarget(target), messageOf(error), { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function runMigrateDeploy(target: DatabaseTarget, url: string, options: MigrateDatabaseOptions): Promise<string[]> {
  const args = [prismaCli, "migrate", "deploy", "--config", configFiles[target.provider]];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: workspaceDir,
      env: prismaCliEnvironment(url),
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
    });
    const lines: string[] = [];
    let succeeded = false;
    let pending = "";
    const onData = (chunk: Buffer) => {
      const text = pending + chunk.toString("utf8");
      const parts = text.split(/\r?\n/);
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        options.onLog?.(line);
        if (!finished.test(line.trim())) continue;
        succeeded = true;
        // The 6.19 schema engine leaves a 10 s timer behind after its work is committed, which
        // keeps the CLI alive; once it has said it finished, there is nothing left to wait for.
        setTimeout(() => child.kill("SIGTERM"), lingerMs).unref();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (error) => {
      if (succeeded) resolve(lines);
      else reject(new MigrationFailedError(describeTarget(target), messageOf(error), lines.slice(-30)));
    });
    child.on("close", (code) => {
      if (pending !== "") lines.push(pending);
      if (succeeded || code === 0) return resolve(lines);
      const tail = lines.filter((line) => line.trim() !== "").slice(-30);
      const unreachable = tail.find((line) => /P1001|Can't reach database server|ECONNREFUSED/.test(line));
      reject(
        unreachable === undefined
          ? new MigrationFailedError(describeTarget(target), `prisma migrate deploy exited with ${code}`, tail)
          : new DatabaseUnreachableError(describeTarget(target), unreachable.trim()),
      );
    });
  });
}
