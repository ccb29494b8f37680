// `circus validate <dir>...`: loads every scenario under the given folders and reports each
// problem with file:line:column and a fix; exits 1 when any scenario is invalid or none was found.
import { loadScenario } from "@circus/scenario";
import { z } from "zod";
import { CliError, ExitCode } from "../cli-errors";
import type { Command } from "../command";
import { parseCommandLine } from "../command-line";
import { terminalStyle } from "../terminal-style";
import { collectScenarioFolders } from "../validation/collect-scenario-folders";
import { formatValidationReport } from "../validation/format-report";
import { buildValidationReport } from "../validation/validation-report";

const ValidateArgsSchema = z.object({
  json: z.boolean(),
  positionals: z
    .array(z.string().min(1))
    .min(1, "name at least one scenario folder (or a folder of scenarios), e.g. `circus validate scenarios/`"),
});

export const validateCommand: Command = {
  name: "validate",
  summary: "check scenario folders (native or KataCoda/Killercoda) and report every problem with its location",
  usage: [
    "circus validate <dir>... [--json]",
    "",
    "  <dir>   a scenario folder (holding scenario.md or index.json) or a folder of scenario folders",
    "  --json  print one JSON object: { scenarios: [...], summary: { scenarios, valid, invalid, warnings } }",
    "",
    "Exits 1 when a scenario has errors or an argument holds no scenario; warnings alone exit 0.",
  ].join("\n"),

  async run(args, io) {
    const { json, positionals } = parseCommandLine(args, { schema: ValidateArgsSchema });
    const { folders, unmatched } = await collectScenarioFolders(positionals, io.cwd);
    const loaded = [];
    for (const folder of folders) loaded.push(await loadScenario(folder));
    const report = buildValidationReport(loaded, io.cwd);
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatValidationReport(report, terminalStyle(io.color)));

    if (unmatched.length > 0) {
      const list = unmatched.map(({ argument, reason }) => `${argument} (${reason})`).join(", ");
      throw new CliError(
        folders.length === 0 ? "no-scenarios" : "argument-without-scenario",
        `${folders.length === 0 ? "no scenario found" : "some arguments hold no scenario"}: ${list}`,
        "name a folder that holds a scenario.md (native format) or an index.json (KataCoda/Killercoda), " +
          "or a folder of such folders; a new scenario needs only a scenario.md with a `title:` in its front matter",
      );
    }
    return report.summary.invalid > 0 ? ExitCode.failure : ExitCode.ok;
  },
};
