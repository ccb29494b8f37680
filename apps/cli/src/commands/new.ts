// `circus new <name>`: scaffolds a native scenario folder from the template, refusing to touch an
// existing folder, and validates what it wrote before saying where it is and what to do next.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { loadScenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { scenarioSlug, scenarioTemplate, titleFromSlug } from "../scaffold/scenario-template";
import { terminalStyle } from "../terminal-style";

const NewArgsSchema = z.object({
  json: z.boolean(),
  dir: z.string().min(1, "--dir takes a folder"),
  title: z
    .string()
    .trim()
    .min(1, "--title takes a non-empty title")
    .max(200, "--title is at most 200 characters")
    .optional(),
  positionals: z
    .array(z.string())
    .length(1, "name exactly one scenario, e.g. `circus new my-first-lab`")
    .refine(([name]) => scenarioSlug(name ?? "") !== "", "the name needs at least one letter or digit"),
});

export const newCommand: Command = {
  name: "new",
  summary: "create a scenario folder from a template that validates and self-tests green",
  usage: [
    "circus new <name> [--dir scenarios] [--title TITLE] [--json]",
    "",
    "  <name>         the scenario's name; its folder (and id) is the name in lowercase with dashes",
    "  --dir DIR      the folder to create it in (default scenarios)",
    "  --title TITLE  the title in the catalog (default: from the name)",
    "  --json         print one JSON object: { path, id, title, files }",
    "",
    "Never overwrites: exits 1 when the folder exists.",
  ].join("\n"),

  async run(args, io) {
    const { json, dir, title, positionals } = parseCommandLine(args, {
      options: { dir: { type: "string", default: "scenarios" }, title: { type: "string" } },
      schema: NewArgsSchema,
    });
    const slug = scenarioSlug(positionals[0]!);
    const root = resolve(io.cwd, dir, slug);
    const shown = relative(io.cwd, root) || ".";
    const files = scenarioTemplate({ title: title ?? titleFromSlug(slug) });

    await mkdir(dirname(root), { recursive: true });
    try {
      await mkdir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new CliError(
        "scenario-exists",
        `${shown} already exists; circus new never overwrites a folder`,
        `pick another name, or --dir for another parent folder (or delete ${shown} if you meant to start over)`,
      );
    }
    try {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), text, { flag: "wx" });
      }
    } catch (error) {
      // A half-written scenario would only confuse the next run: the folder is ours, created above.
      await rm(root, { recursive: true, force: true });
      throw error;
    }

    const loaded = await loadScenario(root);
    const problems = loaded.diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.severity} [${d.code}] ${d.message}`,
    );
    if (!loaded.scenario || problems.length > 0) {
      throw new CliError(
        "template-invalid",
        `the new scenario in ${shown} does not validate: ${problems.join("; ")}`,
        "this is a bug in the template of circus new; report it with the message above",
      );
    }
    const scenario = loaded.scenario;
    if (json) {
      io.stdout(
        `${JSON.stringify({ path: shown, id: scenario.id, title: scenario.title, files: Object.keys(files) }, null, 2)}\n`,
      );
      return ExitCode.ok;
    }
    const style = terminalStyle(io.color);
    io.stdout(
      [
        `${style.green("Created")} ${style.bold(shown)} "${scenario.title}" (id ${scenario.id}, ${scenario.steps.length} steps, valid)`,
        ...Object.keys(files).map((path) => `  ${path}`),
        "",
        "Next:",
        `  circus dev ${shown}    preview it in the browser; the page reloads when you save a file`,
        `  circus test ${shown}   self-test its checks in a real sandbox`,
        "  docs/authoring.md describes every field and block.",
        "",
      ].join("\n"),
    );
    return ExitCode.ok;
  },
};
