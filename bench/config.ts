// The benchmarks' one reader of the environment: what the processes they start inherit.

/** This process's environment, for a child process (callers add their own variables on top). */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
