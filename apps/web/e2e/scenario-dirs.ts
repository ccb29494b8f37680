// Where the end-to-end tests find scenarios: shared by the config, the assembling script and the specs.
import { fileURLToPath } from "node:url";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

export const REPO_SCENARIOS_DIR = fileURLToPath(new URL("../../../scenarios", import.meta.url));
export const FIXTURE_SCENARIOS_DIR = fileURLToPath(new URL("./fixtures/scenarios", import.meta.url));
/** Assembled by assemble-scenarios.ts; git-ignored. */
export const E2E_SCENARIOS_DIR = `${APP_DIR}.e2e-scenarios`;
