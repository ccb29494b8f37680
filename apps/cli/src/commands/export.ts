// `circus export <scenario>`: writes any valid scenario (native, KataCoda, Killercoda) as a folder
// that runs offline with docker compose, so content is never trapped in Circus.
import { access, mkdir, rm } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { loadScenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { exportScenario } from "../interchange/export-compose";
import { terminalStyle } from "../terminal-style";

const ExportArgsSchema = z.object({
  json: z.boolean(),
  out: z.string().min(1, "--out takes a folder").optional(),
  positionals: z.array(z.string()).length(1, "name exactly one scenario folder, e.g. `circus export scenarios/x`"),
});

export const exportCommand: Command = {
  name: "export",
  summary: "write a scenario as a folder that runs offline with docker compose",
  usage: [
    "circus export <scenario> [--out DIR] [--json]",
    "",
    "  <scenario>  a scenario folder in any format Circus reads",
    "  --out DIR   the folder to write (default exports/<scenario id>)",
    "  --json      print one JSON object: { path, id, title, files, notCarried }",
    "",
    "Writes compose.yaml, a Dockerfile per host with its assets, the step scripts, lab.sh and README.md.",
    "Never overwrites: exits 1 when the folder exists.",
  ].join("\n"),

  async run(args, io) {
    const { json, out, positionals } = parseCommandLine(args, {
      options: { out: { type: "string" } },
      schema: ExportArgsSchema,
    });
    const source = resolve(io.cwd, positionals[0]!);
    const loaded = await loadScenario(source);
    if (!loaded.scenario) {
      const first = loaded.diagnostics.find((d) => d.severity === "error");
      throw new CliError(
        "scenario-invalid",
        `${positionals[0]} is not a valid scenario${first ? `: ${first.file}:${first.line} ${first.message}` : ""}`,
        `run circus validate ${positionals[0]} and fix the errors first`,
      );
    }
    const scenario = loaded.scenario;
    const root = resolve(io.cwd, out ?? join("exports", scenario.id));
    const shown = relative(io.cwd, root) || ".";
    if (await exists(root)) {
      throw new CliError(
        "export-exists",
        `${shown} already exists; circus export never overwrites`,
        "pass --out with a new folder",
      );
    }
    await mkdir(dirname(root), { recursive: true });
    await mkdir(root);
    let result: Awaited<ReturnType<typeof exportScenario>>;
    try {
      result = await exportScenario(scenario, source, root);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    if (json) {
      io.stdout(`${JSON.stringify({ path: shown, id: scenario.id, title: scenario.title, ...result }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const style = terminalStyle(io.color);
    const lines = [
      `${style.green("Exported")} "${scenario.title}" to ${style.bold(shown)}`,
      ...result.files.map((f) => `  ${f}`),
    ];
    if (result.notCarried.length > 0)
      lines.push("", style.yellow("Not carried over:"), ...result.notCarried.map((n) => `  - ${n}`));
    lines.push("", `Run it: cd ${shown} && ./lab.sh up   (README.md has the steps)`, "");
    io.stdout(lines.join("\n"));
    return ExitCode.ok;
  },
};

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
