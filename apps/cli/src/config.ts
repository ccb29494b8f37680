// The CLI's environment, read and validated in this one place: whether to show stack traces
// (CIRCUS_DEBUG), whether colours are turned off (NO_COLOR, see no-color.org), the labels put on
// the sandboxes `circus test` creates (CIRCUS_RUNTIME_LABELS) and the /metrics token of `circus loadtest`.
import { z } from "zod";
import { UsageError } from "./cli-errors";

const CliEnvSchema = z.object({
  CIRCUS_DEBUG: z
    .enum(["", "0", "1", "false", "true"], {
      error: "CIRCUS_DEBUG must be 1 (or true) to show stack traces, 0 or unset",
    })
    .optional(),
  NO_COLOR: z.string().optional(),
  CIRCUS_METRICS_TOKEN: z.string().min(1).optional(),
  CIRCUS_RUNTIME_LABELS: z
    .string()
    .regex(/^(?:[A-Za-z0-9][A-Za-z0-9._/-]*=[^,=]*)?(?:,[A-Za-z0-9][A-Za-z0-9._/-]*=[^,=]*)*$/, {
      error: "CIRCUS_RUNTIME_LABELS must be comma-separated key=value pairs, e.g. ci.job=42,team=docs",
    })
    .optional(),
});

export interface CliConfig {
  /** Print stack traces of failures (CIRCUS_DEBUG=1). Default: false. */
  debug: boolean;
  /** Never print ANSI colours (NO_COLOR set to anything but the empty string). Default: false. */
  noColor: boolean;
  /** Extra labels on every container and network `circus test` creates (CIRCUS_RUNTIME_LABELS=k=v,k=v). Default: none. */
  runtimeLabels: Record<string, string>;
  /** Bearer token `circus loadtest` sends to a server's /metrics (CIRCUS_METRICS_TOKEN). Default: none (loopback only). */
  metricsToken?: string;
}

/** Reads the CLI's configuration from `env`; throws a UsageError naming the variable when one is invalid. */
export function readCliConfig(env: Record<string, string | undefined> = process.env): CliConfig {
  const parsed = CliEnvSchema.safeParse(env);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new UsageError(message, "fix the variable in your environment or unset it");
  }
  const { CIRCUS_DEBUG, NO_COLOR, CIRCUS_RUNTIME_LABELS, CIRCUS_METRICS_TOKEN } = parsed.data;
  return {
    debug: CIRCUS_DEBUG === "1" || CIRCUS_DEBUG === "true",
    noColor: NO_COLOR !== undefined && NO_COLOR !== "",
    runtimeLabels: Object.fromEntries(
      (CIRCUS_RUNTIME_LABELS ?? "")
        .split(",")
        .filter((pair) => pair !== "")
        .map((pair) => pair.split("=") as [string, string]),
    ),
    ...(CIRCUS_METRICS_TOKEN ? { metricsToken: CIRCUS_METRICS_TOKEN } : {}),
  };
}

/** The environment of a child process the CLI starts (the web server of `circus dev`): this one's, plus `extra`. */
export function childEnvironment(
  extra: Record<string, string>,
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return { ...env, ...extra };
}
