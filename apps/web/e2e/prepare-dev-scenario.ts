// Copies the scenario the dev-reload test edits into its temporary folder; run before the dev server.
import { cpSync, rmSync } from "node:fs";
import { DEV_SCENARIO_DIR, DEV_SOURCE_DIR } from "./dev-scenario";

rmSync(DEV_SCENARIO_DIR, { recursive: true, force: true });
cpSync(DEV_SOURCE_DIR, DEV_SCENARIO_DIR, { recursive: true });
console.log(`dev-reload scenario copied to ${DEV_SCENARIO_DIR}`);
