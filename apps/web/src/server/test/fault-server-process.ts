// The web server as the fault suite runs it: a child process (so a test can SIGKILL or SIGTERM it for
// real), started by startCircus like apps/web/server.ts with its shutdown (graceful-shutdown.ts), minus
// Next (a minimal page sets the cookies), its sandbox runtime labelled `circus.test=<id>`. Prints
// `listening <port>` once the API answers. Arguments: one JSON object { env, testId }.
import { z } from "zod";
import { parseConfig } from "../../config";
import { startCircus } from "../start-circus";
import { TEST_LABEL } from "./web-test-server";

const argsSchema = z.object({ env: z.record(z.string(), z.string()), testId: z.string().min(1) });

async function main(): Promise<void> {
  const args = argsSchema.parse(JSON.parse(process.argv[2] ?? "{}"));
  const circus = await startCircus({
    config: { ...parseConfig(args.env), host: "127.0.0.1" },
    pages: async (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>fault test</title>");
    },
    handleSignals: true,
    context: { runtimeLabels: { [TEST_LABEL]: args.testId }, expirySyncIntervalMs: 500 },
  });
  process.stdout.write(`listening ${circus.config.port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fault server failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
