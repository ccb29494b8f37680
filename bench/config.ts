// The benchmarks' one reader of the environment: what the processes they start inherit.

/** This process's environment, for a child process (callers add their own variables on top). */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}

/** The loopback port of a server a benchmark starts (CIRCUS_BENCH_PORT), or 0 for any free port. */
export function benchPort(): number {
  const port = Number(process.env.CIRCUS_BENCH_PORT ?? 0);
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : 0;
}

/**
 * The test PostgreSQL the replica bench puts its database on: CIRCUS_TEST_POSTGRES_URL, else the one
 * `scripts/ensure-postgres.ts` makes available (and prints); set for the bench's own fixtures to read.
 */
export function useTestPostgres(ensure: () => string): string {
  process.env.CIRCUS_TEST_POSTGRES_URL ||= ensure();
  return process.env.CIRCUS_TEST_POSTGRES_URL;
}
