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

/**
 * The capacity bench's ramp and step length: CIRCUS_BENCH_CAPACITY_RAMP (e.g. "200") and
 * CIRCUS_BENCH_CAPACITY_STEP (e.g. "90s") for shorter runs while iterating; the defaults otherwise.
 */
export function capacityRamp(defaults: { ramp: number[]; step: string }): { ramp: number[]; step: string } {
  const ramp = (process.env.CIRCUS_BENCH_CAPACITY_RAMP ?? "").split(",").filter((part) => part.trim() !== "");
  const counts = ramp.map(Number);
  if (counts.some((count) => !Number.isInteger(count) || count < 1))
    throw new Error(
      `CIRCUS_BENCH_CAPACITY_RAMP must be learner counts like "25,50,200", got ${process.env.CIRCUS_BENCH_CAPACITY_RAMP}`,
    );
  return {
    ramp: counts.length > 0 ? counts : defaults.ramp,
    step: process.env.CIRCUS_BENCH_CAPACITY_STEP || defaults.step,
  };
}
