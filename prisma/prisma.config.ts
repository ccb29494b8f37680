// Prisma CLI configuration for SQLite (the schema's source of truth). The CLI runs Prisma 6.19's
// JavaScript schema engine through the better-sqlite3 driver adapter, so nothing is downloaded.
// `migrateDatabase` (src/migrate-database.ts) passes the target in DATABASE_URL.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { databaseUrlForMigrations } from "./src/migration-config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url: databaseUrlForMigrations(process.env.DATABASE_URL, "sqlite") }),
});
