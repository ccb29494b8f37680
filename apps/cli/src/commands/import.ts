// `circus import <folder>`: reads an Instruqt track or an Educates workshop into a new native scenario
// folder, validates what it wrote, and reports what could not be carried over.
import { access, mkdir, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { loadScenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { importEducatesWorkshop } from "../interchange/import-educates-workshop";
import { importInstruqtTrack } from "../interchange/import-instruqt-track";
import { type NativeDraft, slugOf, writeNativeDraft } from "../interchange/native-draft";
import { terminalStyle } from "../terminal-style";

const ImportArgsSchema = z.object({
  json: z.boolean(),
  out: z.string().min(1, "--out takes a folder").optional(),
  positionals: z.array(z.string()).length(1, "name exactly one folder, e.g. `circus import ./my-track`"),
});

type SourceFormat = "instruqt" | "educates";

export const importCommand: Command = {
  name: "import",
  summary: "convert an Instruqt track or an Educates workshop into a native scenario folder",
  usage: [
    "circus import <folder> [--out DIR] [--json]",
    "",
    "  <folder>   an Instruqt track (track.yml) or an Educates workshop (resources/workshop.yaml)",
    "  --out DIR  the new scenario folder (default scenarios/<title in lowercase with dashes>)",
    "  --json     print one JSON object: { path, from, title, steps, files, notCarried, diagnostics }",
    "",
    "Never overwrites: exits 1 when the folder exists. What has no Circus equivalent is listed.",
  ].join("\n"),

  async run(args, io) {
    const { json, out, positionals } = parseCommandLine(args, {
      options: { out: { type: "string" } },
      schema: ImportArgsSchema,
    });
    const source = resolve(io.cwd, positionals[0]!);
    const from = await detectSource(source);
    const draft: NativeDraft =
      from === "instruqt" ? await importInstruqtTrack(source) : await importEducatesWorkshop(source);
    const root = resolve(io.cwd, out ?? join("scenarios", slugOf(draft.title)));
    const shown = relative(io.cwd, root) || ".";
    if (await exists(root)) {
      throw new CliError(
        "scenario-exists",
        `${shown} already exists; circus import never overwrites a folder`,
        "pass --out with a new folder",
      );
    }
    await mkdir(dirname(root), { recursive: true });
    let files: string[];
    try {
      files = await writeNativeDraft(root, draft);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    const loaded = await loadScenario(root);
    const diagnostics = loaded.diagnostics.map((d) => ({
      severity: d.severity,
      at: `${d.file}:${d.line}:${d.column}`,
      message: d.message,
    }));
    const valid = loaded.scenario !== undefined;
    if (json) {
      io.stdout(
        `${JSON.stringify(
          {
            path: shown,
            from,
            title: draft.title,
            valid,
            steps: draft.steps.length,
            files,
            notCarried: draft.notCarried,
            diagnostics,
          },
          null,
          2,
        )}\n`,
      );
      return valid ? ExitCode.ok : ExitCode.failure;
    }
    const style = terminalStyle(io.color);
    const lines = [
      `${valid ? style.green("Imported") : style.red("Imported, but invalid:")} ${basename(source)} (${from}) into ${style.bold(shown)} "${draft.title}" (${draft.steps.length} steps)`,
      ...files.map((path) => `  ${path}`),
    ];
    if (draft.notCarried.length > 0) {
      lines.push("", style.yellow("Not carried over:"), ...draft.notCarried.map((item) => `  - ${item}`));
    }
    if (diagnostics.length > 0) {
      lines.push("", "circus validate says:", ...diagnostics.map((d) => `  ${d.at} ${d.severity} ${d.message}`));
    }
    lines.push("", "Next:", `  circus test ${shown}   self-test its checks in a real sandbox`, "");
    io.stdout(lines.join("\n"));
    return valid ? ExitCode.ok : ExitCode.failure;
  },
};

async function detectSource(dir: string): Promise<SourceFormat> {
  if (await exists(join(dir, "track.yml"))) return "instruqt";
  if (await exists(join(dir, "resources", "workshop.yaml"))) return "educates";
  throw new CliError(
    "import-unknown-format",
    `${dir} holds neither track.yml (Instruqt) nor resources/workshop.yaml (Educates)`,
    "point at the folder of an Instruqt track or an Educates workshop",
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
