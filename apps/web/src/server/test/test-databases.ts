// The databases the web server's integration suites run on: a temporary SQLite file, and a database
// of its own on the test PostgreSQL (CIRCUS_TEST_POSTGRES_URL), dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@circus/db";

export interface TestDatabase {
  url: string;
  cleanup: () => Promise<void>;
}

export async function sqliteTestDatabase(prefix: string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { url: `file:${join(dir, "circus.db")}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A new database on the test server: the suites never touch existing data. Fails when no server is set. */
export async function postgresTestDatabase(prefix: string): Promise<TestDatabase> {
  const baseUrl = process.env.CIRCUS_TEST_POSTGRES_URL;
  if (!baseUrl) {
    throw new Error(
      "CIRCUS_TEST_POSTGRES_URL is not set: run `npx tsx scripts/ensure-postgres.ts` and set it to the URL it prints (npm test does both)",
    );
  }
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = async (sql: string) => {
    const db = await openDatabase({ url: baseUrl });
    try {
      await db.client.$queryRawUnsafe(sql);
    } finally {
      await db.dispose();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), cleanup: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
