// The web app's one configuration module: reads the environment (and an optional apps/web/.env) once,
// validates it with zod and fails fast with a message that names the variable to fix.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The app's own folder (apps/web), whatever the working directory. */
export const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The repository's example scenarios, the default catalog. */
export const DEFAULT_SCENARIOS_DIR = resolve(APP_DIR, "../../scenarios");
/** The repository's local state folder (database, secret), ignored by git. */
export const DEFAULT_STATE_DIR = resolve(APP_DIR, "../../.circus");
/** A secret shorter than this is refused: it signs the learner cookies. */
const MIN_SECRET_LENGTH = 32;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  CIRCUS_SCENARIOS_DIR: z.string().min(1).optional(),
  CIRCUS_DEV_SCENARIO: z.string().min(1).optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres:\/\/|postgresql:\/\/)/, "must start with file:, postgres:// or postgresql://")
    .optional(),
  CIRCUS_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  CIRCUS_ALLOWED_ORIGINS: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== ""),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).min(1))
    .optional(),
  CIRCUS_SANDBOX_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  CIRCUS_SANDBOX_IDLE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(1200),
  CIRCUS_WARM_POOL_SIZE: z.coerce.number().int().min(0).max(20).default(1),
  CIRCUS_MAX_ENVIRONMENTS: z.coerce.number().int().min(1).max(1000).default(20),
  CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(5),
  CIRCUS_STARTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  CIRCUS_RECORDING_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 ** 3)
    .default(5 * 1024 * 1024),
  CIRCUS_RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  CIRCUS_SANDBOX_SCOPE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)
    .default("web"),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface WebConfig {
  port: number;
  host: string;
  /** Absolute path of the folder the catalog loads scenarios from. */
  scenariosDir: string;
  /**
   * Dev-scenario mode (`circus dev`, CIRCUS_DEV_SCENARIO): the catalog holds only this scenario folder
   * (absolute), reloaded when its files change. Undefined otherwise.
   */
  devScenarioDir?: string;
  /** Next.js dev mode (hot reload), from the `--dev` flag. */
  dev: boolean;
  nodeEnv: "development" | "production" | "test";
  logLevel: LogLevel;
  /** `file:<path>` (SQLite) or `postgresql://...`; default SQLite in the repository's `.circus/circus.db`. */
  databaseUrl: string;
  /** Signs the learner cookies: CIRCUS_SECRET, else generated once into `.circus/secret` (mode 0600). */
  secret: string;
  /** Origins allowed to send state-changing requests and open terminal sockets (scheme://host:port). */
  allowedOrigins: readonly string[];
  /** True when CIRCUS_ALLOWED_ORIGINS set them; false when they follow the listening port. */
  allowedOriginsExplicit: boolean;
  /** Lifetime of a learner's environment; extending adds at most this again. */
  sandboxTtlSeconds: number;
  /** An environment without activity for this long is reaped. */
  sandboxIdleSeconds: number;
  /** Started environments kept ready per scenario (0 disables the warm pools). */
  warmPoolSize: number;
  /** Most learner environments running at once (warm pools come on top). */
  maxEnvironments: number;
  startsPerLearnerPerMinute: number;
  startsPerIpPerMinute: number;
  /** Compressed bytes of terminal recordings kept per run (0 turns recording off). Default 5 MiB. */
  recordingMaxBytes: number;
  /** Days a terminal recording is kept before the reaper deletes it. Default 30. */
  recordingRetentionDays: number;
  /**
   * Labels every sandbox of this server with `circus.scope=<scope>`; start-up adopts and reaps only
   * environments of its own scope, so tests and other servers on the same engine are left alone.
   */
  sandboxScope: string;
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
  CIRCUS_DEV_SCENARIO: "set CIRCUS_DEV_SCENARIO to one scenario folder (what `circus dev <dir>` does), or unset it",
  NODE_ENV: "set NODE_ENV to development, production or test, or unset it",
  LOG_LEVEL: `set LOG_LEVEL to one of ${LOG_LEVELS.join(", ")}`,
  DATABASE_URL: "set DATABASE_URL to file:/path/to/circus.db (SQLite) or postgresql://user:password@host:5432/circus",
  CIRCUS_SECRET: `set CIRCUS_SECRET to a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`), or unset it to generate one`,
  CIRCUS_ALLOWED_ORIGINS:
    "set CIRCUS_ALLOWED_ORIGINS to a comma-separated list of origins such as https://circus.example.org, or unset it",
  CIRCUS_SANDBOX_TTL_SECONDS: "set CIRCUS_SANDBOX_TTL_SECONDS to whole seconds from 60 to 86400",
  CIRCUS_SANDBOX_IDLE_SECONDS: "set CIRCUS_SANDBOX_IDLE_SECONDS to whole seconds from 30 to 86400",
  CIRCUS_WARM_POOL_SIZE: "set CIRCUS_WARM_POOL_SIZE to a whole number from 0 (no warm pools) to 20",
  CIRCUS_MAX_ENVIRONMENTS: "set CIRCUS_MAX_ENVIRONMENTS to a whole number from 1 to 1000",
  CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "set CIRCUS_STARTS_PER_LEARNER_PER_MINUTE to a whole number from 1 to 1000",
  CIRCUS_STARTS_PER_IP_PER_MINUTE: "set CIRCUS_STARTS_PER_IP_PER_MINUTE to a whole number from 1 to 10000",
  CIRCUS_RECORDING_MAX_BYTES:
    "set CIRCUS_RECORDING_MAX_BYTES to the compressed bytes of recordings kept per run (0 turns recording off; default 5242880)",
  CIRCUS_RECORDING_RETENTION_DAYS: "set CIRCUS_RECORDING_RETENTION_DAYS to whole days from 1 to 3650 (default 30)",
  CIRCUS_SANDBOX_SCOPE:
    "set CIRCUS_SANDBOX_SCOPE to lowercase letters, digits, dots, dashes or underscores (at most 63)",
};

export interface ParseConfigOptions {
  /** Where the generated secret and the default SQLite database live. Default the repository's `.circus/`. */
  stateDir?: string;
}

/**
 * Parses an environment and command-line arguments into the app's configuration.
 * Relative `CIRCUS_SCENARIOS_DIR` values resolve against `cwd`. Throws `ConfigError` naming the first bad variable.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
  options: ParseConfigOptions = {},
): WebConfig {
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
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
  const devScenarioDir = values.CIRCUS_DEV_SCENARIO ? resolve(cwd, values.CIRCUS_DEV_SCENARIO) : undefined;
  if (devScenarioDir && !isDirectory(devScenarioDir)) {
    throw new ConfigError(
      "CIRCUS_DEV_SCENARIO",
      `points at ${devScenarioDir}, which is not a folder`,
      REMEDIES.CIRCUS_DEV_SCENARIO!,
    );
  }
  const config: WebConfig = {
    port: values.PORT,
    host: values.HOST,
    scenariosDir,
    ...(devScenarioDir ? { devScenarioDir } : {}),
    dev,
    nodeEnv: values.NODE_ENV ?? (dev ? "development" : "production"),
    logLevel: values.LOG_LEVEL ?? (dev ? "debug" : "info"),
    databaseUrl: values.DATABASE_URL ?? `file:${join(stateDir, "circus.db")}`,
    secret: values.CIRCUS_SECRET ?? readOrCreateSecret(join(stateDir, "secret")),
    allowedOrigins: values.CIRCUS_ALLOWED_ORIGINS ?? [],
    allowedOriginsExplicit: values.CIRCUS_ALLOWED_ORIGINS !== undefined,
    sandboxTtlSeconds: values.CIRCUS_SANDBOX_TTL_SECONDS,
    sandboxIdleSeconds: values.CIRCUS_SANDBOX_IDLE_SECONDS,
    warmPoolSize: values.CIRCUS_WARM_POOL_SIZE,
    maxEnvironments: values.CIRCUS_MAX_ENVIRONMENTS,
    startsPerLearnerPerMinute: values.CIRCUS_STARTS_PER_LEARNER_PER_MINUTE,
    startsPerIpPerMinute: values.CIRCUS_STARTS_PER_IP_PER_MINUTE,
    recordingMaxBytes: values.CIRCUS_RECORDING_MAX_BYTES,
    recordingRetentionDays: values.CIRCUS_RECORDING_RETENTION_DAYS,
    sandboxScope: values.CIRCUS_SANDBOX_SCOPE,
  };
  return withListeningPort(config, config.port);
}

/**
 * The configuration once the server listens on `port` (which differs from `config.port` when that is 0):
 * unless CIRCUS_ALLOWED_ORIGINS set them, the allowed origins are http://localhost:<port>,
 * http://127.0.0.1:<port> and, when HOST names one address, http://<HOST>:<port>.
 */
export function withListeningPort(config: WebConfig, port: number): WebConfig {
  if (config.allowedOriginsExplicit) return { ...config, port };
  const hosts = ["localhost", "127.0.0.1"];
  const specific = !["0.0.0.0", "::", "[::]"].includes(config.host);
  if (specific)
    hosts.push(config.host.includes(":") && !config.host.startsWith("[") ? `[${config.host}]` : config.host);
  const origins = [...new Set(hosts.map((host) => new URL(`http://${host}:${port}`).origin))];
  return { ...config, port, allowedOrigins: origins };
}

/** The process's configuration: `apps/web/.env` (when present, never overriding the real environment), then `process.env`. */
export function loadConfig(argv: readonly string[] = process.argv.slice(2)): WebConfig {
  const envFile = resolve(APP_DIR, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env, argv);
}

/** The secret in `file`, created (random, mode 0600) when missing, so cookies survive restarts. */
function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError("CIRCUS_SECRET", `is unset and ${file} holds too short a secret`, `delete ${file}`);
    }
    return secret;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (the CLI, a second server) wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readOrCreateSecret(file);
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
