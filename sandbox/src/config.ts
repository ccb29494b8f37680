// The sandbox runtime's options, resolved once: the argument wins, then the environment variable,
// then the default. This is the only module of the runtime that reads process.env.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

const positiveInteger = z.coerce.number().int().positive();

const runtimeVariablesSchema = z.object({
  CIRCUS_SANDBOX_RUNTIME: z.enum(["runc", "runsc"]).optional(),
  CIRCUS_SANDBOX_MAX_ENVIRONMENTS: positiveInteger.optional(),
  CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES: positiveInteger.optional(),
  CIRCUS_SANDBOX_REAP_INTERVAL_MS: positiveInteger.optional(),
  CIRCUS_SANDBOX_DISK_CHECK_INTERVAL_MS: positiveInteger.optional(),
  CIRCUS_SANDBOX_DISK_RESERVE_MIB: z.coerce.number().int().min(0).optional(),
  CIRCUS_SANDBOX_TERMINAL_PIPES: z
    .string()
    .refine((value) => value === "off" || value.startsWith("/"), "'off' or an absolute folder")
    .optional(),
  CIRCUS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
});

export type ContainerRuntime = "runc" | "runsc";
export type LogLevel = NonNullable<z.infer<typeof runtimeVariablesSchema>["CIRCUS_LOG_LEVEL"]>;

/** The tunable options of a sandbox runtime, as a caller may pass them. */
export interface SandboxConfigOptions {
  /** OCI runtime of the sandbox containers. Env CIRCUS_SANDBOX_RUNTIME; default "runc" ("runsc" is gVisor). */
  runtime?: ContainerRuntime;
  /** Most environments alive at once; beyond it create() throws CapacityExceededError. Env CIRCUS_SANDBOX_MAX_ENVIRONMENTS; default 50. */
  maxEnvironments?: number;
  /** Creates running at once; later ones wait in FIFO order. Env CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES; default 4. */
  maxConcurrentCreates?: number;
  /** How often expired and idle environments are destroyed. Env CIRCUS_SANDBOX_REAP_INTERVAL_MS; default 30000. */
  reapIntervalMs?: number;
  /** How often each host's writable layer is measured against its disk quota. Env CIRCUS_SANDBOX_DISK_CHECK_INTERVAL_MS; default 2000. */
  diskCheckIntervalMs?: number;
  /** Free disk (MiB) kept on the engine's data root: below it create() throws DiskReserveLowError. Env CIRCUS_SANDBOX_DISK_RESERVE_MIB; default 4096 (0 turns the check off). */
  diskReserveMiB?: number;
  /** Level of the default logger (ignored when a logger is passed). Env CIRCUS_LOG_LEVEL; default "info". */
  logLevel?: LogLevel;
  /**
   * Folder of the terminal pipes (terminals whose bytes the engine does not relay; a local engine and runc
   * only), or false for terminals through the engine. Env CIRCUS_SANDBOX_TERMINAL_PIPES (a folder, or "off");
   * default /run/circus/terminals for root, else a folder of this user's under the temporary folder.
   */
  terminalPipes?: string | false;
}

export type SandboxConfig = Required<SandboxConfigOptions>;

/** Resolves every option (argument, then environment variable, then default); a bad variable fails naming it. */
export function resolveSandboxConfig(
  options: SandboxConfigOptions = {},
  env: Record<string, string | undefined> = process.env,
): SandboxConfig {
  const parsed = runtimeVariablesSchema.safeParse(
    Object.fromEntries(Object.keys(runtimeVariablesSchema.shape).map((name) => [name, env[name] || undefined])),
  );
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid environment variable for the sandbox runtime: ${detail}`);
  }
  const variables = parsed.data;
  const config: SandboxConfig = {
    runtime: options.runtime ?? variables.CIRCUS_SANDBOX_RUNTIME ?? "runc",
    maxEnvironments: options.maxEnvironments ?? variables.CIRCUS_SANDBOX_MAX_ENVIRONMENTS ?? 50,
    maxConcurrentCreates: options.maxConcurrentCreates ?? variables.CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES ?? 4,
    reapIntervalMs: options.reapIntervalMs ?? variables.CIRCUS_SANDBOX_REAP_INTERVAL_MS ?? 30_000,
    diskCheckIntervalMs: options.diskCheckIntervalMs ?? variables.CIRCUS_SANDBOX_DISK_CHECK_INTERVAL_MS ?? 2000,
    diskReserveMiB: options.diskReserveMiB ?? variables.CIRCUS_SANDBOX_DISK_RESERVE_MIB ?? 4096,
    logLevel: options.logLevel ?? variables.CIRCUS_LOG_LEVEL ?? "info",
    terminalPipes:
      options.terminalPipes ??
      (variables.CIRCUS_SANDBOX_TERMINAL_PIPES === "off"
        ? false
        : (variables.CIRCUS_SANDBOX_TERMINAL_PIPES ?? defaultTerminalPipesFolder())),
  };
  if (!Number.isInteger(config.diskReserveMiB) || config.diskReserveMiB < 0) {
    throw new Error(
      `invalid sandbox option diskReserveMiB: ${config.diskReserveMiB} (expected a whole number of MiB, 0 or more)`,
    );
  }
  for (const name of ["maxEnvironments", "maxConcurrentCreates", "reapIntervalMs", "diskCheckIntervalMs"] as const) {
    if (!Number.isInteger(config[name]) || config[name] <= 0) {
      throw new Error(`invalid sandbox option ${name}: ${config[name]} (expected a positive integer)`);
    }
  }
  return config;
}

/** Root's runtime folder (a tmpfs: emptied when the machine restarts, like the sandboxes), else the user's own. */
function defaultTerminalPipesFolder(): string {
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? "/run/circus/terminals" : join(tmpdir(), `circus-${uid}`, "terminals");
}
