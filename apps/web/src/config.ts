// The web app's one configuration module: reads the environment (and an optional apps/web/.env) once,
// validates it with zod and fails fast with a message that names the variable to fix.
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The app's own folder (apps/web), whatever the working directory. */
export const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The repository's example scenarios, the default catalog. */
export const DEFAULT_SCENARIOS_DIR = resolve(APP_DIR, "../../scenarios");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  CIRCUS_SCENARIOS_DIR: z.string().min(1).optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface WebConfig {
  port: number;
  host: string;
  /** Absolute path of the folder the catalog loads scenarios from. */
  scenariosDir: string;
  /** Next.js dev mode (hot reload), from the `--dev` flag. */
  dev: boolean;
  nodeEnv: "development" | "production" | "test";
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly code = "config_invalid";
  constructor(
    readonly variable: string,
    detail: string,
    readonly remedy: string,
  ) {
    super(`invalid configuration: ${variable} ${detail} (${remedy})`);
  }
}

const REMEDIES: Record<string, string> = {
  PORT: "set PORT to a TCP port number such as 3000",
  HOST: "set HOST to an address to listen on, such as 0.0.0.0 or 127.0.0.1",
  CIRCUS_SCENARIOS_DIR:
    "set CIRCUS_SCENARIOS_DIR to a folder of scenarios, or unset it to use the repository's scenarios/",
  NODE_ENV: "set NODE_ENV to development, production or test, or unset it",
  LOG_LEVEL: `set LOG_LEVEL to one of ${LOG_LEVELS.join(", ")}`,
};

/**
 * Parses an environment and command-line arguments into the app's configuration.
 * Relative `CIRCUS_SCENARIOS_DIR` values resolve against `cwd`. Throws `ConfigError` naming the first bad variable.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
): WebConfig {
  // An empty variable means "unset", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new ConfigError(
      variable,
      `is invalid: ${issue?.message ?? "unknown problem"}`,
      REMEDIES[variable] ?? "fix the variable",
    );
  }
  const dev = argv.includes("--dev");
  const values = parsed.data;
  const scenariosDir = values.CIRCUS_SCENARIOS_DIR
    ? isAbsolute(values.CIRCUS_SCENARIOS_DIR)
      ? values.CIRCUS_SCENARIOS_DIR
      : resolve(cwd, values.CIRCUS_SCENARIOS_DIR)
    : DEFAULT_SCENARIOS_DIR;
  if (!isDirectory(scenariosDir)) {
    throw new ConfigError(
      "CIRCUS_SCENARIOS_DIR",
      `points at ${scenariosDir}, which is not a folder`,
      REMEDIES.CIRCUS_SCENARIOS_DIR!,
    );
  }
  return {
    port: values.PORT,
    host: values.HOST,
    scenariosDir,
    dev,
    nodeEnv: values.NODE_ENV ?? (dev ? "development" : "production"),
    logLevel: values.LOG_LEVEL ?? (dev ? "debug" : "info"),
  };
}

/** The process's configuration: `apps/web/.env` (when present, never overriding the real environment), then `process.env`. */
export function loadConfig(argv: readonly string[] = process.argv.slice(2)): WebConfig {
  const envFile = resolve(APP_DIR, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env, argv);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
