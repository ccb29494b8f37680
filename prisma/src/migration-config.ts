// Shared by the two prisma.config.ts files: checks the DATABASE_URL the CLI was given, lazily (so
// `prisma generate`, which loads the config but never connects, needs no URL).
import { type DatabaseProvider, parseDatabaseUrl, redactPassword } from "./database-url";
import { InvalidDatabaseUrlError } from "./errors";

export function databaseUrlForMigrations(url: string | undefined, provider: DatabaseProvider): string {
  if (url === undefined || url === "") {
    throw new InvalidDatabaseUrlError("", "DATABASE_URL is not set for the Prisma CLI");
  }
  const target = parseDatabaseUrl(url);
  if (target.provider !== provider) {
    throw new InvalidDatabaseUrlError(
      redactPassword(url),
      `this prisma.config.ts is for ${provider}, the URL is for ${target.provider}`,
    );
  }
  return target.provider === "sqlite" ? `file:${target.file}` : url;
}
