// Entry point of the web app: `node --import tsx server.ts [--dev]`. Parses the configuration, starts
// listening at once (probes answer while loading), loads the catalog, prepares Next and shuts down cleanly.
import next from "next";
import { publishCatalog } from "./src/catalog/catalog-store";
import { loadCatalog } from "./src/catalog/load-catalog";
import { APP_DIR, ConfigError, loadConfig, type WebConfig } from "./src/config";
import { createLogger, type Logger } from "./src/logger";
import { createWebServer, type RequestHandler } from "./src/server/create-web-server";

const SHUTDOWN_GRACE_MS = 10_000;

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
  let catalogLoaded = false;

  const server = createWebServer({
    dev: config.dev,
    logger,
    isReady: () => catalogLoaded && pageHandler !== undefined,
    pageHandler: () => pageHandler,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ host: config.host, port, dev: config.dev }, "listening");

  const app = next({
    dev: config.dev,
    dir: APP_DIR,
    // Next's dev server only accepts hot-reload sockets from the host it was started with.
    hostname: config.host === "0.0.0.0" ? "localhost" : config.host,
    port,
    httpServer: server,
  });
  registerShutdown(server, app, logger);

  const [catalogLoad] = await Promise.all([loadCatalogLogged(config, logger), app.prepare()]);
  publishCatalog(catalogLoad);
  catalogLoaded = true;
  pageHandler = app.getRequestHandler();
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

function registerShutdown(server: ReturnType<typeof createWebServer>, app: ReturnType<typeof next>, logger: Logger) {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.warn("connections still open after the grace period, exiting anyway");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Next closes its dev hot-reload sockets, which would otherwise hold the server open.
    Promise.allSettled([serverClosed, app.close()]).then(() => {
      logger.info("stopped");
      process.exit(0);
    });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("circus web failed to start:", error);
  process.exit(1);
});
