// The web app's one configuration module: reads the environment (and an optional apps/web/.env) once,
// validates it with zod and fails fast with a message that names the variable to fix.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type CapacityDefaults, capacityDefaults, environmentDefaults } from "./machine-capacity";
import { isCidr } from "./server/http/client-address";

/** The app's own folder (apps/web), whatever the working directory. */
export const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The repository's example scenarios, the default catalog. */
export const DEFAULT_SCENARIOS_DIR = resolve(APP_DIR, "../../scenarios");
/** The repository's local state folder (database, secret), ignored by git. */
export const DEFAULT_STATE_DIR = resolve(APP_DIR, "../../.circus");
/** A secret shorter than this is refused: it signs the learner cookies. */
const MIN_SECRET_LENGTH = 32;

/** The capacity defaults of this machine (README "Sizing"). */
function machineDefaults(): CapacityDefaults {
  return capacityDefaults({ cores: cpus().length, memoryMiB: totalmem() / 1024 ** 2 });
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A comma-separated variable as its non-empty, trimmed items. */
const commaList = z.string().transform((text) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  CIRCUS_SCENARIOS_DIR: z.string().min(1).optional(),
  CIRCUS_DEV_SCENARIO: z.string().min(1).optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  CIRCUS_LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /** Set by CI systems: logs stay JSON there even when a TTY is emulated. */
  CI: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres:\/\/|postgresql:\/\/)/, "must start with file:, postgres:// or postgresql://")
    .optional(),
  CIRCUS_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  CIRCUS_PREVIOUS_SECRETS: commaList
    .pipe(z.array(z.string().min(MIN_SECRET_LENGTH, `each must be at least ${MIN_SECRET_LENGTH} characters`)).max(5))
    .optional(),
  CIRCUS_SECRET_GRACE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CIRCUS_SETUP_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,128}$/, "must be 32 to 128 letters, digits, - or _")
    .optional(),
  CIRCUS_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{32,256}$/, "must be 32 to 256 printable characters")
    .optional(),
  CIRCUS_ALLOWED_ORIGINS: commaList
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).min(1))
    .optional(),
  CIRCUS_SANDBOX_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  CIRCUS_SANDBOX_IDLE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(1200),
  CIRCUS_WARM_POOL_SIZE: z.coerce.number().int().min(0).max(20).default(1),
  CIRCUS_WARM_POOL_MAX: z.coerce.number().int().min(0).max(50).optional(),
  CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES: z.coerce.number().int().min(1).max(64).optional(),
  CIRCUS_MAX_ENVIRONMENTS: z.coerce.number().int().min(1).max(1000).optional(),
  CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(5),
  CIRCUS_STARTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  CIRCUS_SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(8).optional(),
  CIRCUS_RECORDING_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 ** 3)
    .default(5 * 1024 * 1024),
  CIRCUS_RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  CIRCUS_CHECKPOINTS_PER_RUN: z.coerce.number().int().min(0).max(100).default(20),
  CIRCUS_CHECKPOINT_MAX_MIB_PER_RUN: z.coerce.number().int().min(1).max(1_048_576).default(2048),
  CIRCUS_SAVED_LAB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  CIRCUS_SAVED_LAB_STORAGE_MIB_PER_LEARNER: z.coerce.number().int().min(0).max(1_048_576).default(1024),
  CIRCUS_SANDBOX_SCOPE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/)
    .default("web"),
  CIRCUS_WEB_REPLICAS: z.enum(["one", "several"]).default("one"),
  CIRCUS_TRUSTED_PROXIES: commaList
    .pipe(z.array(z.string().refine(isCidr, "each entry must be an IP address or CIDR such as 10.0.0.0/8")))
    .optional(),
  CIRCUS_MEMORY_BUDGET_MIB: z.coerce
    .number()
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .optional(),
  CIRCUS_CPU_BUDGET: z.coerce.number().positive().max(100_000).optional(),
  CIRCUS_ENVIRONMENTS_PER_LEARNER: z.coerce.number().int().min(1).max(100).default(1),
  CIRCUS_ENVIRONMENTS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(4),
  CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  CIRCUS_TERMINAL_SOCKETS_PER_RUN: z.coerce.number().int().min(1).max(1000).default(32),
  CIRCUS_TERMINAL_SOCKETS_MAX: z.coerce.number().int().min(1).max(100_000).optional(),
  CIRCUS_EVENT_STREAMS_PER_HOLDER: z.coerce.number().int().min(1).max(1000).default(8),
  CIRCUS_EVENT_STREAMS_MAX: z.coerce.number().int().min(1).max(100_000).optional(),
  CIRCUS_PREVIEW_REQUESTS_PER_ENVIRONMENT: z.coerce.number().int().min(1).max(10_000).default(16),
  CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  CIRCUS_HOST_REBUILDS_PER_RUN_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(30),
  CIRCUS_ORCHESTRATOR: z.enum(["engine", "swarm"]).default("engine"),
  CIRCUS_SWARM_MANAGER: z
    .string()
    .regex(/^(tcp:\/\/[A-Za-z0-9.-]+:[0-9]{1,5}|unix:\/\/\/.+)$/, "must be tcp://ADDRESS:PORT or unix:///PATH")
    .optional(),
  CIRCUS_SWARM_TLS_DIR: z.string().min(1).optional(),
  CIRCUS_REGISTRY: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, "must be HOST:PORT without a scheme or path")
    .optional(),
  CIRCUS_REGISTRY_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+\/?$/, "must be http(s)://HOST:PORT, where this server reaches the registry's API")
    .optional(),
  CIRCUS_SWARM_PROBE_IMAGE: z.string().min(1).default("circus/base:latest"),
  CIRCUS_SWARM_NODE_WATCH_MS: z.coerce.number().int().min(500).max(60_000).default(5000),
});

/** The files a Swarm TLS folder holds (Docker's own names). */
export const SWARM_TLS_FILES = ["ca.pem", "cert.pem", "key.pem"] as const;

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
  /**
   * JSON lines, or readable lines for a person (CIRCUS_LOG_FORMAT); default readable when stdout is a
   * terminal and CI is unset, JSON otherwise (files, pipes, CI).
   */
  logFormat: "json" | "pretty";
  /** `file:<path>` (SQLite) or `postgresql://...`; default SQLite in the repository's `.circus/circus.db`. */
  databaseUrl: string;
  /** Signs the learner cookies: CIRCUS_SECRET, else generated once into `.circus/secret` (mode 0600). */
  secret: string;
  /**
   * Secrets used before `secret` (CIRCUS_PREVIOUS_SECRETS, newest first): cookies they signed are still
   * accepted, and re-signed with `secret`, while issued less than `secretGraceDays` ago.
   */
  previousSecrets: readonly string[];
  secretGraceDays: number;
  /**
   * The one-time token that claims the first admin account (CIRCUS_SETUP_TOKEN); unset, the server
   * draws a random one at start-up and prints it while no admin exists.
   */
  setupToken?: string;
  /** Bearer token that opens /metrics to other hosts (CIRCUS_METRICS_TOKEN); unset, only loopback may read it. */
  metricsToken?: string;
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
  /**
   * How far a scenario's warm pool grows while learners arrive (one more per claim in the last 2 minutes),
   * refilled at background priority; back to warmPoolSize when arrivals stop. Default from the machine
   * (machine-capacity.ts), never below warmPoolSize; 0 pools stay 0.
   */
  warmPoolMax: number;
  /** Environment creates the engine runs at once (warm-pool refills hold at most half). Default 2 per core. */
  maxConcurrentCreates: number;
  /** Most learner environments running at once (warm pools come on top); default from cores and memory (machine-capacity.ts). */
  maxEnvironments: number;
  startsPerLearnerPerMinute: number;
  startsPerIpPerMinute: number;
  /** Compressed bytes of terminal recordings kept per run (0 turns recording off). Default 5 MiB. */
  recordingMaxBytes: number;
  /** Days a terminal recording is kept before the reaper deletes it. Default 30. */
  recordingRetentionDays: number;
  /** Step checkpoints kept per run (0 turns checkpoints and rewind off); beyond it the oldest goes. Default 20. */
  checkpointsPerRun: number;
  /** MiB of checkpoint layers kept per run; beyond it the oldest checkpoints go. Default 2048. */
  checkpointMaxMiBPerRun: number;
  /** Days a saved lab is kept for its learner to resume before the reaper deletes it. Default 14. */
  savedLabRetentionDays: number;
  /** MiB of saved labs one learner may keep (0 turns saving off). Default 1024. */
  savedLabStorageMiBPerLearner: number;
  /**
   * Labels every sandbox of this server with `circus.scope=<scope>`; start-up adopts and reaps only
   * environments of its own scope, so tests and other servers on the same engine are left alone.
   */
  sandboxScope: string;
  /**
   * "several" when more than one web process serves this database and engine (behind HAProxy): limits,
   * live events, tickets and pool ownership go through PostgreSQL, environments of other replicas are
   * adopted and never reaped while in use (ARCHITECTURE.md). Needs PostgreSQL. Default "one".
   */
  webReplicas: "one" | "several";
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed (CIRCUS_TRUSTED_PROXIES); empty: none. */
  trustedProxies: readonly string[];
  /**
   * Memory (MiB) and CPUs the sandboxes may be given in all (learners' runs, warm pools, workshop
   * reservations); defaults from the machine (machine-capacity.ts): 8 × (80% of its memory less 1 GiB), and
   * 125 × its CPU count, since sandbox limits are ceilings that idle shells rarely reach.
   */
  memoryBudgetMiB: number;
  cpuBudget: number;
  /** Environments one learner may hold at once. */
  environmentsPerLearner: number;
  /** Environments the learners of one address (IPv6: one /64) may hold at once. */
  environmentsPerAddress: number;
  /** Instructor sign-up attempts per client address per minute. */
  signUpsPerIpPerMinute: number;
  /** Open terminal sockets per run, and on the whole server. */
  terminalSocketsPerRun: number;
  terminalSocketsMax: number;
  /** Open event streams (SSE) per learner or instructor session, and on the whole server. */
  eventStreamsPerHolder: number;
  eventStreamsMax: number;
  /** Preview requests in flight per environment, and how long a preview may take to answer. */
  previewRequestsPerEnvironment: number;
  previewResponseTimeoutSeconds: number;
  /** Checks, file saves and preview relays (each starts a process in the sandbox) per run per minute. */
  sandboxActionsPerRunPerMinute: number;
  /** Host restarts, rewinds and resumes (each recreates containers) per run per hour. */
  hostRebuildsPerRunPerHour: number;
  /**
   * On SIGTERM, how long the server keeps listening (answering 503 to the API and /readyz) after it told
   * the learners, so a load balancer notices before the port closes. Default 2 s (0 with --dev).
   */
  shutdownDrainMs: number;
  /** Where sandboxes run: one Docker engine (default), or a Docker Swarm (CIRCUS_ORCHESTRATOR=swarm). */
  orchestrator: "engine" | "swarm";
  /** With the Swarm orchestrator: how to reach the manager and the nodes' engines, and the registry. */
  swarm?: SwarmConfig;
}

export interface SwarmConfig {
  /**
   * The manager's engine (CIRCUS_SWARM_MANAGER): tcp://ADDRESS:PORT (mutual TLS with `tlsDir`) or
   * unix:///PATH; unset, DOCKER_HOST or the local socket.
   */
  manager?: string;
  /** Folder with ca.pem, cert.pem and key.pem that open every node's engine (CIRCUS_SWARM_TLS_DIR). */
  tlsDir: string;
  /** The registry every node pulls sandbox images from, HOST:PORT (CIRCUS_REGISTRY). */
  registry: string;
  /** Where this server reaches the registry's HTTP API for checkpoints (CIRCUS_REGISTRY_URL). Default http://REGISTRY. */
  registryUrl?: string;
  /** An image every node pulls for the start-up check (CIRCUS_SWARM_PROBE_IMAGE). Default circus/base:latest. */
  probeImage: string;
  /** How often the manager is asked for hosts lost with their node (CIRCUS_SWARM_NODE_WATCH_MS). Default 5000. */
  nodeWatchIntervalMs: number;
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
  CIRCUS_ORCHESTRATOR: "set CIRCUS_ORCHESTRATOR to engine (one Docker engine, the default) or swarm",
  CIRCUS_SWARM_MANAGER:
    "set CIRCUS_SWARM_MANAGER to the manager's engine, tcp://ADDRESS:2376 (mutual TLS) or unix:///var/run/docker.sock, or unset it to use DOCKER_HOST or the local socket",
  CIRCUS_SWARM_TLS_DIR: `set CIRCUS_SWARM_TLS_DIR to a folder holding ${SWARM_TLS_FILES.join(", ")}: the CA of the nodes' engines and Circus's client certificate (README "Running Circus on Docker Swarm")`,
  CIRCUS_REGISTRY:
    "set CIRCUS_REGISTRY to the registry every Swarm node pulls from, HOST:PORT (`npm run images -- --push HOST:PORT` fills it)",
  CIRCUS_SWARM_PROBE_IMAGE:
    "set CIRCUS_SWARM_PROBE_IMAGE to an image pushed to CIRCUS_REGISTRY, e.g. circus/base:latest",
  CIRCUS_SWARM_NODE_WATCH_MS: "set CIRCUS_SWARM_NODE_WATCH_MS to milliseconds from 500 to 60000",
  PORT: "set PORT to a TCP port number such as 3000",
  HOST: "set HOST to an address to listen on, such as 0.0.0.0 or 127.0.0.1",
  CIRCUS_SCENARIOS_DIR:
    "set CIRCUS_SCENARIOS_DIR to a folder of scenarios, or unset it to use the repository's scenarios/",
  CIRCUS_DEV_SCENARIO: "set CIRCUS_DEV_SCENARIO to one scenario folder (what `circus dev <dir>` does), or unset it",
  NODE_ENV: "set NODE_ENV to development, production or test, or unset it",
  LOG_LEVEL: `set LOG_LEVEL to one of ${LOG_LEVELS.join(", ")}`,
  CIRCUS_LOG_FORMAT: "set CIRCUS_LOG_FORMAT to json or pretty, or unset it (pretty on a terminal, JSON otherwise)",
  DATABASE_URL: "set DATABASE_URL to file:/path/to/circus.db (SQLite) or postgresql://user:password@host:5432/circus",
  CIRCUS_PREVIOUS_SECRETS: `set CIRCUS_PREVIOUS_SECRETS to at most 5 former CIRCUS_SECRET values, comma-separated, each at least ${MIN_SECRET_LENGTH} characters, or unset it`,
  CIRCUS_SECRET_GRACE_DAYS: "set CIRCUS_SECRET_GRACE_DAYS to whole days from 1 to 365",
  CIRCUS_SETUP_TOKEN:
    "set CIRCUS_SETUP_TOKEN to a random string of 32 to 128 letters, digits, - or _ (e.g. `openssl rand -hex 32`), or unset it to have one printed at start-up",
  CIRCUS_METRICS_TOKEN:
    "set CIRCUS_METRICS_TOKEN to a random string of at least 32 characters (e.g. `openssl rand -hex 32`), or unset it to serve /metrics to loopback only",
  CIRCUS_SECRET: `set CIRCUS_SECRET to a random string of at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`), or unset it to generate one`,
  CIRCUS_ALLOWED_ORIGINS:
    "set CIRCUS_ALLOWED_ORIGINS to a comma-separated list of origins such as https://circus.example.org, or unset it",
  CIRCUS_SANDBOX_TTL_SECONDS: "set CIRCUS_SANDBOX_TTL_SECONDS to whole seconds from 60 to 86400",
  CIRCUS_SANDBOX_IDLE_SECONDS: "set CIRCUS_SANDBOX_IDLE_SECONDS to whole seconds from 30 to 86400",
  CIRCUS_WARM_POOL_SIZE: "set CIRCUS_WARM_POOL_SIZE to a whole number from 0 (no warm pools) to 20",
  CIRCUS_WARM_POOL_MAX:
    "set CIRCUS_WARM_POOL_MAX to a whole number from 0 to 50 (how far a scenario's warm pool grows while learners arrive), or unset it for 5% of CIRCUS_MAX_ENVIRONMENTS",
  CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES:
    "set CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES to a whole number from 1 to 64, or unset it for 2 per CPU core",
  CIRCUS_MAX_ENVIRONMENTS:
    "set CIRCUS_MAX_ENVIRONMENTS to a whole number from 1 to 1000, or unset it for 100 per CPU core (bounded by memory)",
  CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "set CIRCUS_STARTS_PER_LEARNER_PER_MINUTE to a whole number from 1 to 1000",
  CIRCUS_STARTS_PER_IP_PER_MINUTE: "set CIRCUS_STARTS_PER_IP_PER_MINUTE to a whole number from 1 to 10000",
  CIRCUS_SHUTDOWN_DRAIN_SECONDS:
    "set CIRCUS_SHUTDOWN_DRAIN_SECONDS to seconds from 0 to 8 (the whole shutdown must fit in 10 s)",
  CIRCUS_RECORDING_MAX_BYTES:
    "set CIRCUS_RECORDING_MAX_BYTES to the compressed bytes of recordings kept per run (0 turns recording off; default 5242880)",
  CIRCUS_RECORDING_RETENTION_DAYS: "set CIRCUS_RECORDING_RETENTION_DAYS to whole days from 1 to 3650 (default 30)",
  CIRCUS_CHECKPOINTS_PER_RUN:
    "set CIRCUS_CHECKPOINTS_PER_RUN to a whole number from 0 (no checkpoints, no rewind) to 100 (default 20)",
  CIRCUS_CHECKPOINT_MAX_MIB_PER_RUN: "set CIRCUS_CHECKPOINT_MAX_MIB_PER_RUN to whole MiB from 1 (default 2048)",
  CIRCUS_SAVED_LAB_RETENTION_DAYS: "set CIRCUS_SAVED_LAB_RETENTION_DAYS to whole days from 1 to 3650 (default 14)",
  CIRCUS_SAVED_LAB_STORAGE_MIB_PER_LEARNER:
    "set CIRCUS_SAVED_LAB_STORAGE_MIB_PER_LEARNER to whole MiB from 0 (saving off) (default 1024)",
  CIRCUS_SANDBOX_SCOPE:
    "set CIRCUS_SANDBOX_SCOPE to lowercase letters, digits, dots, dashes or underscores (at most 63)",
  CIRCUS_WEB_REPLICAS:
    "set CIRCUS_WEB_REPLICAS to `several` when several web processes share one PostgreSQL DATABASE_URL and engine, or `one` (default)",
  CIRCUS_TRUSTED_PROXIES:
    "set CIRCUS_TRUSTED_PROXIES to the comma-separated addresses or CIDRs of your reverse proxies (e.g. 127.0.0.1/32,10.0.0.0/8), or unset it",
  CIRCUS_MEMORY_BUDGET_MIB:
    "set CIRCUS_MEMORY_BUDGET_MIB to the MiB of memory the sandboxes may be given in all (at least 256), or unset it for 8 × (80% of the machine's less 1 GiB): sandbox limits are ceilings",
  CIRCUS_CPU_BUDGET:
    "set CIRCUS_CPU_BUDGET to the CPUs the sandboxes may be given in all (e.g. 8), or unset it for 125 × the machine's CPUs",
  CIRCUS_ENVIRONMENTS_PER_LEARNER: "set CIRCUS_ENVIRONMENTS_PER_LEARNER to a whole number from 1 to 100",
  CIRCUS_ENVIRONMENTS_PER_ADDRESS: "set CIRCUS_ENVIRONMENTS_PER_ADDRESS to a whole number from 1 to 10000",
  CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE: "set CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE to a whole number from 1 to 1000",
  CIRCUS_TERMINAL_SOCKETS_PER_RUN: "set CIRCUS_TERMINAL_SOCKETS_PER_RUN to a whole number from 1 to 1000",
  CIRCUS_TERMINAL_SOCKETS_MAX:
    "set CIRCUS_TERMINAL_SOCKETS_MAX to a whole number from 1 to 100000, or unset it for 8 per environment (at least 2000)",
  CIRCUS_EVENT_STREAMS_PER_HOLDER: "set CIRCUS_EVENT_STREAMS_PER_HOLDER to a whole number from 1 to 1000",
  CIRCUS_EVENT_STREAMS_MAX:
    "set CIRCUS_EVENT_STREAMS_MAX to a whole number from 1 to 100000, or unset it for 4 per environment (at least 1000)",
  CIRCUS_PREVIEW_REQUESTS_PER_ENVIRONMENT:
    "set CIRCUS_PREVIEW_REQUESTS_PER_ENVIRONMENT to a whole number from 1 to 10000",
  CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS:
    "set CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS to whole seconds from 1 to 3600",
  CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE:
    "set CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE to a whole number from 1 to 100000",
  CIRCUS_HOST_REBUILDS_PER_RUN_PER_HOUR: "set CIRCUS_HOST_REBUILDS_PER_RUN_PER_HOUR to a whole number from 1 to 10000",
};

export interface ParseConfigOptions {
  /** Where the generated secret and the default SQLite database live. Default the repository's `.circus/`. */
  stateDir?: string;
  /** Whether stdout is a terminal (readable logs by default). Default `process.stdout.isTTY`. */
  stdoutIsTty?: boolean;
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
  const maxEnvironments = values.CIRCUS_MAX_ENVIRONMENTS ?? machineDefaults().maxEnvironments;
  const config: WebConfig = {
    port: values.PORT,
    host: values.HOST,
    scenariosDir,
    ...(devScenarioDir ? { devScenarioDir } : {}),
    dev,
    nodeEnv: values.NODE_ENV ?? (dev ? "development" : "production"),
    logLevel: values.LOG_LEVEL ?? (dev ? "debug" : "info"),
    logFormat:
      values.CIRCUS_LOG_FORMAT ??
      ((options.stdoutIsTty ?? process.stdout.isTTY === true) && !isCiFlag(values.CI) ? "pretty" : "json"),
    databaseUrl: values.DATABASE_URL ?? `file:${join(stateDir, "circus.db")}`,
    secret: values.CIRCUS_SECRET ?? readOrCreateSecret(join(stateDir, "secret")),
    previousSecrets: values.CIRCUS_PREVIOUS_SECRETS ?? [],
    secretGraceDays: values.CIRCUS_SECRET_GRACE_DAYS,
    ...(values.CIRCUS_SETUP_TOKEN ? { setupToken: values.CIRCUS_SETUP_TOKEN } : {}),
    ...(values.CIRCUS_METRICS_TOKEN ? { metricsToken: values.CIRCUS_METRICS_TOKEN } : {}),
    allowedOrigins: values.CIRCUS_ALLOWED_ORIGINS ?? [],
    allowedOriginsExplicit: values.CIRCUS_ALLOWED_ORIGINS !== undefined,
    sandboxTtlSeconds: values.CIRCUS_SANDBOX_TTL_SECONDS,
    sandboxIdleSeconds: values.CIRCUS_SANDBOX_IDLE_SECONDS,
    warmPoolSize: values.CIRCUS_WARM_POOL_SIZE,
    warmPoolMax:
      values.CIRCUS_WARM_POOL_SIZE === 0
        ? 0
        : Math.max(
            values.CIRCUS_WARM_POOL_SIZE,
            values.CIRCUS_WARM_POOL_MAX ?? environmentDefaults(maxEnvironments).warmPoolMax,
          ),
    maxConcurrentCreates: values.CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES ?? machineDefaults().maxConcurrentCreates,
    maxEnvironments,
    startsPerLearnerPerMinute: values.CIRCUS_STARTS_PER_LEARNER_PER_MINUTE,
    startsPerIpPerMinute: values.CIRCUS_STARTS_PER_IP_PER_MINUTE,
    recordingMaxBytes: values.CIRCUS_RECORDING_MAX_BYTES,
    recordingRetentionDays: values.CIRCUS_RECORDING_RETENTION_DAYS,
    checkpointsPerRun: values.CIRCUS_CHECKPOINTS_PER_RUN,
    checkpointMaxMiBPerRun: values.CIRCUS_CHECKPOINT_MAX_MIB_PER_RUN,
    savedLabRetentionDays: values.CIRCUS_SAVED_LAB_RETENTION_DAYS,
    savedLabStorageMiBPerLearner: values.CIRCUS_SAVED_LAB_STORAGE_MIB_PER_LEARNER,
    sandboxScope: values.CIRCUS_SANDBOX_SCOPE,
    webReplicas: values.CIRCUS_WEB_REPLICAS,
    trustedProxies: values.CIRCUS_TRUSTED_PROXIES ?? [],
    memoryBudgetMiB: values.CIRCUS_MEMORY_BUDGET_MIB ?? machineDefaults().memoryBudgetMiB,
    cpuBudget: values.CIRCUS_CPU_BUDGET ?? machineDefaults().cpuBudget,
    environmentsPerLearner: values.CIRCUS_ENVIRONMENTS_PER_LEARNER,
    environmentsPerAddress: values.CIRCUS_ENVIRONMENTS_PER_ADDRESS,
    signUpsPerIpPerMinute: values.CIRCUS_SIGN_UPS_PER_IP_PER_MINUTE,
    terminalSocketsPerRun: values.CIRCUS_TERMINAL_SOCKETS_PER_RUN,
    terminalSocketsMax: values.CIRCUS_TERMINAL_SOCKETS_MAX ?? environmentDefaults(maxEnvironments).terminalSocketsMax,
    eventStreamsPerHolder: values.CIRCUS_EVENT_STREAMS_PER_HOLDER,
    eventStreamsMax: values.CIRCUS_EVENT_STREAMS_MAX ?? environmentDefaults(maxEnvironments).eventStreamsMax,
    previewRequestsPerEnvironment: values.CIRCUS_PREVIEW_REQUESTS_PER_ENVIRONMENT,
    previewResponseTimeoutSeconds: values.CIRCUS_PREVIEW_RESPONSE_TIMEOUT_SECONDS,
    sandboxActionsPerRunPerMinute: values.CIRCUS_SANDBOX_ACTIONS_PER_RUN_PER_MINUTE,
    hostRebuildsPerRunPerHour: values.CIRCUS_HOST_REBUILDS_PER_RUN_PER_HOUR,
    shutdownDrainMs: Math.round((values.CIRCUS_SHUTDOWN_DRAIN_SECONDS ?? (dev ? 0 : 2)) * 1000),
    orchestrator: values.CIRCUS_ORCHESTRATOR,
    ...(values.CIRCUS_ORCHESTRATOR === "swarm" ? { swarm: swarmConfigOf(values, cwd) } : {}),
  };
  if (config.webReplicas === "several" && config.databaseUrl.startsWith("file:")) {
    throw new ConfigError(
      "CIRCUS_WEB_REPLICAS",
      "is `several` but DATABASE_URL is a SQLite file, which only one process can serve",
      "set DATABASE_URL to the PostgreSQL database the replicas share, or CIRCUS_WEB_REPLICAS=one",
    );
  }
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

/** The Swarm orchestrator's settings, each required one checked (the TLS files must be there). */
function swarmConfigOf(values: z.infer<typeof EnvSchema>, cwd: string): SwarmConfig {
  const required = (variable: "CIRCUS_SWARM_TLS_DIR" | "CIRCUS_REGISTRY"): string => {
    const value = values[variable];
    if (!value)
      throw new ConfigError(variable, "is unset, and CIRCUS_ORCHESTRATOR=swarm needs it", REMEDIES[variable]!);
    return value;
  };
  const tlsDir = resolve(cwd, required("CIRCUS_SWARM_TLS_DIR"));
  const missing = SWARM_TLS_FILES.filter((file) => !existsSync(join(tlsDir, file)));
  if (missing.length > 0) {
    throw new ConfigError(
      "CIRCUS_SWARM_TLS_DIR",
      `points at ${tlsDir}, which lacks ${missing.join(", ")}`,
      REMEDIES.CIRCUS_SWARM_TLS_DIR!,
    );
  }
  return {
    ...(values.CIRCUS_SWARM_MANAGER ? { manager: values.CIRCUS_SWARM_MANAGER } : {}),
    tlsDir,
    registry: required("CIRCUS_REGISTRY"),
    ...(values.CIRCUS_REGISTRY_URL ? { registryUrl: values.CIRCUS_REGISTRY_URL.replace(/\/$/, "") } : {}),
    probeImage: values.CIRCUS_SWARM_PROBE_IMAGE,
    nodeWatchIntervalMs: values.CIRCUS_SWARM_NODE_WATCH_MS,
  };
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

/** CI=true (or 1, or any value but false/0): a CI run, whose logs stay JSON. */
function isCiFlag(value: string | undefined): boolean {
  return value !== undefined && !["false", "0"].includes(value.toLowerCase());
}
