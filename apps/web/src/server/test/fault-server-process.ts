// The web server as the fault suite runs it: a child process (so a test can SIGKILL or SIGTERM it for
// real), assembled like apps/web/server.ts with its shutdown (graceful-shutdown.ts), minus Next (a
// minimal page sets the cookies), its sandbox runtime labelled `circus.test=<id>`. Prints
// `listening <port>` once the API answers. Arguments: one JSON object { env, testId }.
import type { Server } from "node:http";
import { z } from "zod";
import { loadCatalog } from "../../catalog/load-catalog";
import { parseConfig, withListeningPort } from "../../config";
import { createLogger } from "../../logger";
import { createWebServer } from "../create-web-server";
import { registerShutdown } from "../graceful-shutdown";
import { checkReadiness } from "../probes";
import { type RunningServerContext, startServerContext } from "../start-server-context";
import { createWebApp, type WebApp } from "../web-app";
import { TEST_LABEL } from "./web-test-server";

const argsSchema = z.object({ env: z.record(z.string(), z.string()), testId: z.string().min(1) });

async function main(): Promise<void> {
  const args = argsSchema.parse(JSON.parse(process.argv[2] ?? "{}"));
  let config = parseConfig(args.env);
  const logger = createLogger(config);
  let running: RunningServerContext | undefined;
  let app: WebApp | undefined;
  let stopping = false;
  const server: Server = createWebServer({
    config: () => config,
    logger,
    readiness: () => checkReadiness({ catalog: true, next: true }, running?.context),
    pageHandler: () => async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>fault test</title>");
    },
    app: () => app,
    stopping: () => stopping,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the server has no TCP address");
  config = withListeningPort(config, address.port);
  registerShutdown({
    server,
    logger,
    drainMs: config.shutdownDrainMs,
    stopTakingWork: () => {
      stopping = true;
    },
    closeLearnerConnections: () => app?.dispose(),
    dispose: () => [running?.dispose() ?? Promise.resolve()],
  });
  const { catalog } = await loadCatalog(config.scenariosDir);
  running = await startServerContext({
    config,
    logger,
    catalog,
    runtimeLabels: { [TEST_LABEL]: args.testId },
    expirySyncIntervalMs: 500,
  });
  app = createWebApp(running.context);
  process.stdout.write(`listening ${address.port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fault server failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
