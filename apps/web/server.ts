// Entry point of the web app: `node --import tsx server.ts [--dev]`. Parses the configuration and hands
// over to startCircus (the one composition root: listening at once, catalog, server context, Next), which
// shuts down cleanly on SIGTERM/SIGINT (graceful-shutdown.ts).
import { ConfigError, loadConfig, type WebConfig } from "./src/config";
import { startCircus } from "./src/server/start-circus";

async function main(): Promise<void> {
  let config: WebConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  await startCircus({ config, handleSignals: true });
}

main().catch((error: unknown) => {
  console.error("circus web failed to start:", error);
  process.exit(1);
});
