// `npx tsx prisma/scripts/sync-schemas.ts [--check]`: writes prisma/postgresql/schema.prisma from
// prisma/schema.prisma (or, with --check, exits 1 when it is out of date).
import { readFileSync, writeFileSync } from "node:fs";
import { postgresSchemaFrom } from "./postgres-schema";
import { postgresSchemaFile, sqliteSchemaFile } from "./schema-files";

const expected = postgresSchemaFrom(readFileSync(sqliteSchemaFile, "utf8"));
const current = readFileSync(postgresSchemaFile, { encoding: "utf8", flag: "a+" });

if (current === expected) {
  process.stdout.write("prisma/postgresql/schema.prisma is up to date\n");
} else if (process.argv.includes("--check")) {
  console.error("prisma/postgresql/schema.prisma is out of date: run `npx tsx prisma/scripts/sync-schemas.ts`");
  process.exit(1);
} else {
  writeFileSync(postgresSchemaFile, expected);
  process.stdout.write("wrote prisma/postgresql/schema.prisma\n");
}
