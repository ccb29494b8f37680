// Fails when prisma/postgresql/schema.prisma drifted from prisma/schema.prisma (the source of truth).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { postgresSchemaFrom, postgresSchemaHeader } from "./postgres-schema";
import { postgresSchemaFile, sqliteSchemaFile } from "./schema-files";

const sqliteSchema = readFileSync(sqliteSchemaFile, "utf8");

describe("the PostgreSQL schema twin", () => {
  it("is exactly what sync-schemas.ts generates from prisma/schema.prisma", () => {
    const expected = postgresSchemaFrom(sqliteSchema);
    const actual = readFileSync(postgresSchemaFile, "utf8");
    expect(actual, "run `npx tsx prisma/scripts/sync-schemas.ts`, then add a migration for both providers").toBe(
      expected,
    );
  });

  it("switches the provider and the client output, and keeps every model line", () => {
    const twin = postgresSchemaFrom(sqliteSchema);
    expect(twin.startsWith(postgresSchemaHeader)).toBe(true);
    expect(twin).toMatch(/provider = "postgresql"/);
    expect(twin).toMatch(/output\s+= "\.\.\/generated\/postgresql"/);
    expect(twin).not.toMatch(/"sqlite"|file:/);
    const modelLines = (schema: string) => schema.slice(schema.indexOf("/// An anonymous learner"));
    expect(modelLines(twin)).toBe(modelLines(sqliteSchema));
  });

  it("refuses a SQLite schema that lost a line it relies on", () => {
    expect(() => postgresSchemaFrom(sqliteSchema.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(
      /datasource provider, found 0/,
    );
  });
});

describe("the checked-in migrations", () => {
  const objects = (file: string) =>
    [...readFileSync(new URL(file, import.meta.url), "utf8").matchAll(/CREATE (?:UNIQUE )?(?:TABLE|INDEX) "(\w+)"/g)]
      .map((match) => match[1])
      .sort();

  it("create the same tables and indexes on both providers", () => {
    const sqlite = objects("../migrations/0001_init/migration.sql");
    expect(sqlite).toContain("Run_one_active_per_learner_scenario");
    expect(objects("../postgresql/migrations/0001_init/migration.sql")).toEqual(sqlite);
  });

  it("0002_workshops adds the same tables and indexes on both providers", () => {
    const sqlite = objects("../migrations/0002_workshops/migration.sql");
    expect(sqlite).toEqual(expect.arrayContaining(["Workshop", "Participant", "Run_workshopId_idx"]));
    expect(objects("../postgresql/migrations/0002_workshops/migration.sql")).toEqual(sqlite);
  });
});

describe("the schema and its migrations", () => {
  it("has a migration for every change: the latest migration's snapshot is prisma/schema.prisma", () => {
    const migrations = new URL("../migrations/", import.meta.url);
    const latest = readdirSync(migrations)
      .filter((name) => /^\d{4}_/.test(name))
      .sort()
      .at(-1);
    expect(latest).toBeDefined();
    const snapshot = readFileSync(new URL(`${latest}/schema.prisma`, migrations), "utf8");
    expect(sqliteSchema, "run `npx tsx prisma/scripts/new-migration.ts NAME` (see prisma/README.md)").toBe(snapshot);
  });
});
