// Entry point of the web app: `node --import tsx server.ts [--dev]`. Parses the configuration, starts
// listening at once (probes answer while loading), loads the catalog, starts the server context
// (database, sandbox runtime, runs, pools) next to Next, and shuts down cleanly (graceful-shutdown.ts).
import next from "next";
import { isCatalogReady, publishCatalog } from "./src/catalog/catalog-store";
import { loadCatalog } from "./src/catalog/load-catalog";
import { APP_DIR, ConfigError, loadConfig, type WebConfig, withListeningPort } from "./src/config";
import { createLogger, type Logger } from "./src/logger";
import { publishServerContext } from "./src/server/context";
import { createWebServer, type RequestHandler } from "./src/server/create-web-server";
import { type DevScenarioMode, startDevScenarioMode } from "./src/server/dev/dev-scenario-mode";
import { registerShutdown } from "./src/server/graceful-shutdown";
import { checkReadiness } from "./src/server/probes";
import { type RunningServerContext, startServerContext } from "./src/server/start-server-context";
import { createWebApp, type WebApp } from "./src/server/web-app";

async function main(): Promise<void> {
  let config: WebConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config);
  let pageHandler: RequestHandler | undefined;
  let running: RunningServerContext | undefined;
  let app: WebApp | undefined;
  let devScenario: DevScenarioMode | undefined;
  let stopping = false;

  const server = createWebServer({
    config: () => config,
    logger,
    readiness: () => checkReadiness({ catalog: isCatalogReady(), next: pageHandler !== undefined }, running?.context),
    pageHandler: () => pageHandler,
    app: () => app,
    stopping: () => stopping,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  config = withListeningPort(config, typeof address === "object" && address ? address.port : config.port);
  logger.info({ host: config.host, port: config.port, dev: config.dev, origins: config.allowedOrigins }, "listening");

  const nextApp = next({
    dev: config.dev,
    dir: APP_DIR,
    // Next's dev server only accepts hot-reload sockets from the host it was started with.
    hostname: config.host === "0.0.0.0" ? "localhost" : config.host,
    port: config.port,
    httpServer: server,
  });
  registerShutdown({
    server,
    logger,
    drainMs: config.shutdownDrainMs,
    stopTakingWork: () => {
      stopping = true;
    },
    closeLearnerConnections: () => {
      app?.dispose();
      devScenario?.dispose();
    },
    dispose: () => {
      publishServerContext(undefined);
      // Next closes its dev hot-reload sockets, which would otherwise hold the server open.
      return [nextApp.close(), running?.dispose() ?? Promise.resolve()];
    },
  });

  const startContext = async () => {
    // CIRCUS_DEV_SCENARIO (`circus dev`): the catalog is that one scenario, reloaded on save.
    if (config.devScenarioDir) devScenario = await startDevScenarioMode(config.devScenarioDir, logger);
    const catalog = devScenario ? devScenario.catalog() : await loadCatalogLogged(config, logger);
    publishCatalog(catalog);
    running = await startServerContext({ config, logger, catalog, currentCatalog: devScenario?.catalog });
    publishServerContext(running.context);
    app = createWebApp(running.context, devScenario?.routes);
  };
  await Promise.all([startContext(), nextApp.prepare()]);
  pageHandler = nextApp.getRequestHandler();
  logger.info("ready");
}

async function loadCatalogLogged(config: WebConfig, logger: Logger) {
  const log = logger.child({ module: "catalog", dir: config.scenariosDir });
  const { catalog, rejected, warned } = await loadCatalog(config.scenariosDir);
  for (const { folder, errors } of rejected) {
    log.error(
      {
        scenario: folder,
        errors: errors.slice(0, 3).map((e) => `${e.file}:${e.line}:${e.column} ${e.code}: ${e.message}`),
      },
      "scenario left out of the catalog",
    );
  }
  for (const { folder, warnings } of warned) {
    log.warn(
      { scenario: folder, warnings: warnings.slice(0, 3).map((w) => `${w.code}: ${w.message}`) },
      "scenario warnings",
    );
  }
  log.info({ scenarios: catalog.entries.length, rejected: rejected.length }, "catalog loaded");
  return catalog;
}

main().catch((error: unknown) => {
  console.error("circus web failed to start:", error);
  process.exit(1);
});
