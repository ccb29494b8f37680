// `npx tsx prisma/scripts/new-migration.ts NAME [--postgres-url URL]`: after an edit of
// prisma/schema.prisma, syncs the PostgreSQL twin and writes migration NNNN_NAME for both providers,
// diffing from the schema snapshot of the latest migration (`migrate dev` does not work offline here).
// PostgreSQL diffs need a reachable server (default: the one of `npx tsx scripts/ensure-postgres.ts`).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { postgresSchemaFrom } from "./postgres-schema";
import { postgresSchemaFile, sqliteSchemaFile, workspaceDir } from "./schema-files";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { "postgres-url": { type: "string", default: "postgresql://circus:circus@127.0.0.1:54329/circus_test" } },
});
const name = positionals[0] ?? "";
if (!/^[a-z][a-z0-9_]{0,60}$/.test(name)) {
  process.stderr.write("usage: npx tsx prisma/scripts/new-migration.ts NAME (lower-case letters, digits, _)\n");
  process.exit(2);
}

const sqliteMigrations = join(workspaceDir, "migrations");
const postgresMigrations = join(workspaceDir, "postgresql", "migrations");
const snapshotName = "schema.prisma";
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

const existing = readdirSync(sqliteMigrations, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d{4}_/.test(entry.name))
  .map((entry) => entry.name)
  .sort();
const latest = existing.at(-1);
const folder = `${String(Number(latest?.slice(0, 4) ?? "0") + 1).padStart(4, "0")}_${name}`;

const schema = readFileSync(sqliteSchemaFile, "utf8");
writeFileSync(postgresSchemaFile, postgresSchemaFrom(schema));

const scratch = mkdtempSync(join(tmpdir(), "circus-new-migration-"));
try {
  const previous =
    latest === undefined ? undefined : readFileSync(join(sqliteMigrations, latest, snapshotName), "utf8");
  const sqlite = diff("prisma.config.ts", previous, sqliteSchemaFile, `file:${join(scratch, "scratch.db")}`);
  const postgres = diff(
    join("postgresql", "prisma.config.ts"),
    previous === undefined ? undefined : postgresSchemaFrom(previous),
    postgresSchemaFile,
    values["postgres-url"],
  );
  if (sqlite === undefined && postgres === undefined) {
    process.stdout.write("prisma/schema.prisma has no changes since the latest migration: nothing to write\n");
    process.exit(0);
  }
  for (const [dir, sql] of [
    [sqliteMigrations, sqlite],
    [postgresMigrations, postgres],
  ] as const) {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, "migration.sql"), sql ?? "-- This is an empty migration.\n");
  }
  // The snapshot the next migration diffs from (the PostgreSQL one is derived from it).
  writeFileSync(join(sqliteMigrations, folder, snapshotName), schema);
  process.stdout.write(`wrote prisma/migrations/${folder} and prisma/postgresql/migrations/${folder}: review them\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** The SQL from `from` (undefined: an empty database) to `toFile`, or undefined when there is none. */
function diff(config: string, from: string | undefined, toFile: string, databaseUrl: string): string | undefined {
  const fromFile = join(scratch, `from-${config.replaceAll("/", "-")}.prisma`);
  if (from !== undefined) writeFileSync(fromFile, from);
  const fromArgs = from === undefined ? ["--from-empty"] : ["--from-schema-datamodel", fromFile];
  const args = [prismaCli, "migrate", "diff", "--config", config, ...fromArgs];
  const result = spawnSync(process.execPath, [...args, "--to-schema-datamodel", toFile, "--script", "--exit-code"], {
    cwd: workspaceDir,
    encoding: "utf8",
    // The CLI's config reads DATABASE_URL: a scratch SQLite file, or a PostgreSQL server it only reads.
    // biome-ignore lint/style/noProcessEnv: a developer script passing its environment on to the Prisma CLI
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status === 0) return undefined;
  if (result.status === 2) return result.stdout;
  process.stderr.write(`prisma migrate diff (${config}) failed:\n${result.stderr}${result.stdout}\n`);
  if (config.includes("postgresql")) {
    process.stderr.write("PostgreSQL diffs need a server: run `npx tsx scripts/ensure-postgres.ts` first\n");
  }
  process.exit(1);
}
