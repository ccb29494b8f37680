// The `circus` executable: reads the configuration, runs the command line and sets the exit code
// (never process.exit, so buffered output reaches a pipe in full).
import { ExitCode, isUserFacingError } from "./cli-errors";
import { processIo } from "./cli-io";
import { type CliConfig, readCliConfig } from "./config";
import { runCli } from "./run-cli";

let config: CliConfig | undefined;
try {
  config = readCliConfig();
} catch (failure) {
  const remedy = isUserFacingError(failure) ? `\n  fix: ${failure.remedy}` : "";
  process.stderr.write(`circus: error: ${failure instanceof Error ? failure.message : String(failure)}${remedy}\n`);
  process.exitCode = ExitCode.usage;
}
if (config) process.exitCode = await runCli(process.argv.slice(2), processIo(config), config);
