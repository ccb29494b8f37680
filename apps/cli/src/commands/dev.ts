// `circus dev <scenario-dir>`: a live preview of one scenario. Validates it, makes sure the engine and
// its images are there, builds the web app (cached) and serves it in dev-scenario mode, where saving a
// file reloads the steps in the open page (the sandbox stays). Ctrl-C stops the server.
import { join, relative, resolve } from "node:path";
import { loadScenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { createLiveStatus } from "../dev/live-status";
import { prepareSandbox } from "../dev/prepare-sandbox";
import { buildWebApp, REPO_ROOT, startWebServer } from "../dev/web-server-process";
import { terminalStyle } from "../terminal-style";
import { formatValidationReport } from "../validation/format-report";
import { buildValidationReport } from "../validation/validation-report";

const DevArgsSchema = z.object({
  json: z.literal(false, { error: "circus dev prints a live log, not JSON: drop --json" }),
  port: z.coerce
    .number({ error: "--port takes a number" })
    .int("--port takes a whole number")
    .min(1, "--port is from 1 to 65535")
    .max(65535, "--port is from 1 to 65535"),
  host: z.string().min(1, "--host takes an address"),
  positionals: z.array(z.string().min(1)).length(1, "name one scenario folder, e.g. `circus dev scenarios/my-lab`"),
});

export const devCommand: Command = {
  name: "dev",
  summary: "preview one scenario in the web app; saving a file reloads its steps (the sandbox stays)",
  usage: [
    "circus dev <scenario-dir> [--port 3000] [--host 127.0.0.1]",
    "",
    "  <scenario-dir>  a scenario folder (scenario.md or index.json)",
    "  --port N        the web server's port (default 3000)",
    "  --host ADDR     the address it listens on (default 127.0.0.1; 0.0.0.0 for every interface)",
    "",
    "Starts the Docker engine and builds the scenario's images when needed, builds the web app (cached),",
    "then serves it with only this scenario. Edits show in the open page within a second; invalid files",
    "show their errors there. Runs use their own database (.circus/dev.db) and sandbox scope. Ctrl-C stops it.",
  ].join("\n"),

  async run(args, io) {
    const { port, host, positionals } = parseCommandLine(args, {
      options: { port: { type: "string", default: "3000" }, host: { type: "string", default: "127.0.0.1" } },
      schema: DevArgsSchema,
    });
    const style = terminalStyle(io.color);
    const live = createLiveStatus(io.stderr, process.stderr.isTTY === true, process.stderr.columns);
    const scenarioDir = resolve(io.cwd, positionals[0]!);

    const loaded = await loadScenario(scenarioDir);
    const report = buildValidationReport([loaded], io.cwd);
    if (report.summary.warnings > 0 || !loaded.scenario) io.stderr(formatValidationReport(report, style));
    if (!loaded.scenario) {
      throw new CliError(
        "scenario-invalid",
        `${relative(io.cwd, scenarioDir) || "."} does not load (errors above)`,
        "fix the errors and run circus dev again; once it runs, errors show in the page as you save",
      );
    }
    const scenario = loaded.scenario;
    live.line(`✓ ${style.bold(scenario.title)} (id ${scenario.id}, ${scenario.steps.length} steps) is valid`);

    const abort = new AbortController();
    let server: ReturnType<typeof startWebServer> | undefined;
    const onSignal = () => {
      live.line("\ncircus dev: stopping (the sandbox stays; a new circus dev picks it up)");
      abort.abort();
      server?.stop();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await prepareSandbox(scenario, live, abort.signal);
      await buildWebApp(live, abort.signal);
      abort.signal.throwIfAborted();
      live.line("» starting the web server");
      server = startWebServer({
        scenarioDir,
        host,
        port,
        databaseUrl: `file:${join(REPO_ROOT, ".circus", "dev.db")}`,
        live,
      });
      await server.ready;
      const origin = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
      io.stdout(`\n  ${style.green("Preview:")} ${origin}/scenarios/${encodeURIComponent(scenario.id)}\n\n`);
      live.line(
        `Watching ${relative(io.cwd, scenarioDir) || "."}: save a file and the open page reloads. Ctrl-C stops.`,
      );
      const code = await server.exited;
      return abort.signal.aborted || code === 0 ? ExitCode.ok : ExitCode.failure;
    } catch (error) {
      server?.stop();
      await server?.exited;
      if (abort.signal.aborted) return ExitCode.ok;
      throw error;
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      live.clear();
    }
  },
};
