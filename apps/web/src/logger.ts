// The web app's one logger (pino). Modules take a child with their own fields
// (`logger.child({ module: "catalog" })`) rather than creating loggers of their own. JSON lines, or
// readable lines (log-lines.ts) when the configuration says so (a person at a terminal).
import { type Logger, pino } from "pino";
import type { WebConfig } from "./config";
import { formatLogLine } from "./log-lines";

export type { Logger };

export function createLogger(
  config: Pick<WebConfig, "logLevel" | "nodeEnv"> & Partial<Pick<WebConfig, "logFormat">>,
  output: { write(text: string): unknown } = process.stdout,
): Logger {
  const options = { level: config.logLevel, base: { app: "circus-web", env: config.nodeEnv } };
  if (config.logFormat !== "pretty") return output === process.stdout ? pino(options) : pino(options, output);
  return pino(options, { write: (line: string) => output.write(formatLogLine(line, { color: true })) });
}
