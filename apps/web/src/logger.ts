// The web app's one logger (pino, JSON lines). Modules take a child with their own fields
// (`logger.child({ module: "catalog" })`) rather than creating loggers of their own.
import { type Logger, pino } from "pino";
import type { WebConfig } from "./config";

export type { Logger };

export function createLogger(config: Pick<WebConfig, "logLevel" | "nodeEnv">): Logger {
  return pino({ level: config.logLevel, base: { app: "circus-web", env: config.nodeEnv } });
}
