// The Circus web server as the benchmarks run it: a child process (so its RSS is its own) assembled like
// apps/web/server.ts, but with the sandbox runtime labelled `circus.bench=<run id>`, and driven over IPC.
import type { Server } from "node:http";
import next from "next";
import { z } from "zod";
import { publishCatalog } from "../apps/web/src/catalog/catalog-store";
import { loadCatalog } from "../apps/web/src/catalog/load-catalog";
import { APP_DIR, parseConfig, withListeningPort } from "../apps/web/src/config";
import { createLogger } from "../apps/web/src/logger";
import { publishServerContext } from "../apps/web/src/server/context";
import { createWebServer, type RequestHandler } from "../apps/web/src/server/create-web-server";
import { checkReadiness } from "../apps/web/src/server/probes";
import { type RunningServerContext, startServerContext } from "../apps/web/src/server/start-server-context";
import { createWebApp, type WebApp } from "../apps/web/src/server/web-app";
import { type CircusServerMessage, circusServerRequestSchema } from "./circus-server-protocol";

const optionsSchema = z.object({
  /** The web app's configuration variables (see apps/web/src/config.ts). */
  env: z.record(z.string(), z.string()),
  /** Value of the `circus.bench` label on everything the runtime creates. */
  benchRunId: z.string().min(1),
  /** Serve the Next.js production build (else a minimal page that only sets the cookies). */
  pages: z.boolean(),
});

function send(message: CircusServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? "{}"));
  let config = parseConfig(options.env);
  const logger = createLogger(config);
  let pageHandler: RequestHandler | undefined;
  let running: RunningServerContext | undefined;
  let app: WebApp | undefined;
  const server: Server = createWebServer({
    config: () => config,
    logger,
    readiness: () => checkReadiness({ catalog: true, next: pageHandler !== undefined }, running?.context),
    pageHandler: () => pageHandler,
    app: () => app,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the bench server has no TCP address");
  config = withListeningPort(config, address.port);

  const nextApp = options.pages
    ? next({ dev: false, dir: APP_DIR, hostname: "127.0.0.1", port: address.port, httpServer: server })
    : undefined;
  const { catalog, rejected } = await loadCatalog(config.scenariosDir);
  if (rejected.length > 0) logger.warn({ rejected: rejected.map((r) => r.folder) }, "scenarios left out");
  publishCatalog(catalog);
  running = await startServerContext({
    config,
    logger,
    catalog,
    runtimeLabels: { "circus.bench": options.benchRunId },
  });
  publishServerContext(running.context);
  app = createWebApp(running.context);
  if (nextApp) {
    await nextApp.prepare();
    pageHandler = nextApp.getRequestHandler();
  } else {
    pageHandler = async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>bench</title>");
    };
  }
  const context = running.context;
  const started = app;
  const stopped = running;

  process.on("message", (raw) => {
    const request = circusServerRequestSchema.parse(raw);
    if (request.type === "whenPoolFull") {
      const pool = context.pools.get(request.scenarioId);
      if (!pool) {
        send({ type: "failed", message: `no warm pool for ${request.scenarioId}` });
        return;
      }
      void pool.whenFull().then(
        () => send({ type: "poolFull", scenarioId: request.scenarioId }),
        (error: unknown) => send({ type: "failed", message: String(error) }),
      );
    } else if (request.type === "stop") {
      started.dispose();
      publishServerContext(undefined);
      server.closeAllConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      void Promise.allSettled([closed, nextApp?.close(), stopped.dispose()]).then(() => process.exit(0));
    }
  });
  send({ type: "ready", port: address.port });
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
