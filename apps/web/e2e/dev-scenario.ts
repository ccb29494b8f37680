// What the dev-reload end-to-end test owns, shared by the Playwright config, the preparing script and the
// spec: a second server in dev-scenario mode (CIRCUS_DEV_SCENARIO) on its own port, database and sandbox
// scope, watching a temporary copy of the repository's circus-basics scenario.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2E_ID } from "./e2e-run";
import { REPO_SCENARIOS_DIR } from "./scenario-dirs";

export const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 3101);
export const DEV_BASE_URL = `http://127.0.0.1:${DEV_PORT}`;
/** The scenario copied (and edited by the test). */
export const DEV_SOURCE_DIR = join(REPO_SCENARIOS_DIR, "circus-basics");
/** The scenario's id is its folder's name. */
export const DEV_SCENARIO_ID = "dev-reload-lab";
export const DEV_SCENARIO_DIR = join(tmpdir(), `circus-${E2E_ID}-dev`, DEV_SCENARIO_ID);
export const DEV_DATABASE_FILE = join(tmpdir(), `circus-${E2E_ID}-dev.db`);
/** Apart from the main test server's scope: each server adopts and reaps only its own environments. */
export const DEV_LABEL = { key: "circus.scope", value: `${E2E_ID}-dev` } as const;
