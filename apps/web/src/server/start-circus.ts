// The one composition root of Circus: the HTTP server (listening at once, probes answer while loading),
// the catalog, the server context (database, sandbox runtime, runs, pools), the web app and the pages.
// apps/web/server.ts, the integration-test server, the fault-suite process and the bench all start here.
import type { Server } from "node:http";
import next from "next";
import type { Catalog } from "../catalog/catalog";
import { publishCatalog } from "../catalog/catalog-store";
import { loadCatalog } from "../catalog/load-catalog";
import { APP_DIR, type WebConfig, withListeningPort } from "../config";
import { createLogger, type Logger } from "../logger";
import { loadPlayerEntryManifest, publishPlayerEntry } from "../player-entry/player-entry-manifest";
import { publishServerContext, type ServerContext } from "./context";
import { createWebServer, type RequestHandler } from "./create-web-server";
import { type DevScenarioMode, startDevScenarioMode } from "./dev/dev-scenario-mode";
import { registerShutdown } from "./graceful-shutdown";
import { checkReadiness } from "./probes";
import { type RunningServerContext, type StartServerContextOptions, startServerContext } from "./start-server-context";
import { createWebApp, type WebApp } from "./web-app";

export interface StartCircusOptions {
  config: WebConfig;
  /** Default `createLogger(config)`. */
  logger?: Logger;
  /**
   * The pages: "next" serves the Next.js app (dev or production by `config.dev`) and publishes the catalog
   * and context for it; a handler serves every page instead (tests, benches without pages). Default "next".
   */
  pages?: "next" | RequestHandler;
  /** Refuse to start when a scenario of the catalog is rejected (tests); default: log and leave it out. */
  strictCatalog?: boolean;
  /** Stop on SIGTERM/SIGINT with the graceful shutdown (a process of its own); default false. */
  handleSignals?: boolean;
  /** Options of the server context (runtime labels, shorter intervals in tests). */
  context?: Omit<StartServerContextOptions, "config" | "logger" | "catalog" | "currentCatalog">;
}

export interface RunningCircus {
  server: Server;
  /** http://<host>:<port> as it listens. */
  origin: string;
  /** The configuration with the port it listens on. */
  config: WebConfig;
  logger: Logger;
  app: WebApp;
  context: ServerContext;
  /** Stops like a shutdown without the drain: sockets close, environments keep running for the next process. */
  close(): Promise<void>;
}

export async function startCircus(options: StartCircusOptions): Promise<RunningCircus> {
  let config = options.config;
  const logger = options.logger ?? createLogger(config);
  const pages = options.pages ?? "next";
  let pageHandler: RequestHandler | undefined = pages === "next" ? undefined : pages;
  let running: RunningServerContext | undefined;
  let app: WebApp | undefined;
  let devScenario: DevScenarioMode | undefined;
  let catalogLoaded = false;
  let stopping = false;

  const server = createWebServer({
    config: () => config,
    logger,
    readiness: () => checkReadiness({ catalog: catalogLoaded, next: pageHandler !== undefined }, running?.context),
    pageHandler: () => pageHandler,
    app: () => app,
    stopping: () => stopping,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the server has no TCP address");
  config = withListeningPort(config, address.port);
  logger.info({ host: config.host, port: config.port, dev: config.dev, origins: config.allowedOrigins }, "listening");

  const nextApp =
    pages === "next"
      ? next({
          dev: config.dev,
          dir: APP_DIR,
          // Next's dev server only accepts hot-reload sockets from the host it was started with.
          hostname: config.host === "0.0.0.0" ? "localhost" : config.host,
          port: config.port,
          httpServer: server,
        })
      : undefined;
  const closeLearnerConnections = () => {
    app?.dispose();
    devScenario?.dispose();
  };
  const disposeRest = () => {
    if (pages === "next") publishServerContext(undefined);
    // Next closes its dev hot-reload sockets, which would otherwise hold the server open.
    return [nextApp?.close() ?? Promise.resolve(), running?.dispose() ?? Promise.resolve()];
  };
  if (options.handleSignals) {
    registerShutdown({
      server,
      logger,
      drainMs: config.shutdownDrainMs,
      stopTakingWork: () => {
        stopping = true;
      },
      closeLearnerConnections,
      dispose: disposeRest,
    });
  }

  const startContext = async () => {
    // CIRCUS_DEV_SCENARIO (`circus dev`): the catalog is that one scenario, reloaded on save.
    if (config.devScenarioDir) devScenario = await startDevScenarioMode(config.devScenarioDir, logger);
    const catalog = devScenario
      ? devScenario.catalog()
      : await loadCatalogLogged(config, logger, options.strictCatalog);
    if (pages === "next") publishCatalog(catalog);
    catalogLoaded = true;
    running = await startServerContext({
      ...options.context,
      config,
      logger,
      catalog,
      ...(devScenario ? { currentCatalog: devScenario.catalog } : {}),
    });
    if (pages === "next") publishServerContext(running.context);
    app = createWebApp(running.context, devScenario?.routes);
  };
  const preparePages = async () => {
    if (!nextApp) return;
    // The player page's own client entry, built after Next's (player-entry/); in dev Next's runtime hydrates it.
    publishPlayerEntry(config.dev ? undefined : loadPlayerEntryManifest(APP_DIR));
    await nextApp.prepare();
    pageHandler = nextApp.getRequestHandler();
  };
  try {
    await Promise.all([startContext(), preparePages()]);
  } catch (error) {
    closeLearnerConnections();
    server.closeAllConnections();
    server.close();
    await Promise.allSettled(disposeRest());
    throw error;
  }
  logger.info("ready");

  const started = { app: app as WebApp, context: (running as RunningServerContext).context };
  let closing: Promise<void> | undefined;
  return {
    server,
    origin: `http://${["0.0.0.0", "::", "[::]"].includes(config.host) ? "127.0.0.1" : config.host}:${config.port}`,
    config,
    logger,
    ...started,
    close: () => {
      closing ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        closeLearnerConnections();
        await Promise.allSettled([closed, ...disposeRest()]);
      })();
      return closing;
    },
  };
}

async function loadCatalogLogged(config: WebConfig, logger: Logger, strict = false): Promise<Catalog> {
  const log = logger.child({ module: "catalog", dir: config.scenariosDir });
  const { catalog, rejected, warned } = await loadCatalog(config.scenariosDir);
  if (strict && rejected.length > 0) throw new Error(`scenarios rejected: ${JSON.stringify(rejected)}`);
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
