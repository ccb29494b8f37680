// The only place the data layer reads the process environment: what the Prisma CLI child process
// inherits when `migrateDatabase` runs it.

/** The environment for `prisma migrate deploy` against `databaseUrl`. */
export function prismaCliEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // No update check or telemetry: the registry is the only host this may reach.
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    NO_COLOR: "1",
  };
}
