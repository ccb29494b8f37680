// Whether cookies get the Secure attribute: when every allowed origin is HTTPS (a TLS proxy in front).
import type { WebConfig } from "../../config";

export function isSecureDeployment(config: Pick<WebConfig, "allowedOrigins">): boolean {
  return config.allowedOrigins.length > 0 && config.allowedOrigins.every((origin) => origin.startsWith("https://"));
}
