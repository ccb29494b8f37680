// The Circus web server as the benchmarks run it: a child process (so its RSS is its own) started by
// startCircus like apps/web/server.ts, but with the sandbox runtime labelled `circus.bench=<run id>`, and
// driven over IPC.
import { z } from "zod";
import { parseConfig } from "../apps/web/src/config";
import { startCircus } from "../apps/web/src/server/start-circus";
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
  const circus = await startCircus({
    // PORT from the parent (circus-process.ts: 0, any free port, unless the bench names one).
    config: { ...parseConfig(options.env), host: "127.0.0.1" },
    pages: options.pages
      ? "next"
      : async (_req, res) => {
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          res.end("<!doctype html><title>bench</title>");
        },
    context: { runtimeLabels: { "circus.bench": options.benchRunId } },
  });
  const { context } = circus;

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
      void circus.close().then(() => process.exit(0));
    }
  });
  send({ type: "ready", port: circus.config.port });
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
