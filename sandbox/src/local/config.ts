// What the local driver takes from the environment of this process, read in this one place: the
// search path for programs, and the user name (shown by prompts and `whoami`-style tools).

export interface LocalHostEnvironment {
  /** PATH of this process, or a standard one when unset. */
  path: string;
  user?: string;
}

const STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function readLocalHostEnvironment(env: NodeJS.ProcessEnv = process.env): LocalHostEnvironment {
  const user = env.USER || env.LOGNAME;
  return { path: env.PATH || STANDARD_PATH, ...(user ? { user } : {}) };
}
