// Builds the end-to-end tests' scenarios folder: the repository's scenarios/ plus the fixtures in
// e2e/fixtures/scenarios (a native one, a KataCoda one, a Killercoda one on a Kubernetes image, a two-host one and a broken one). Run before the test server.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { E2E_SCENARIOS_DIR, FIXTURE_SCENARIOS_DIR, REPO_SCENARIOS_DIR } from "./scenario-dirs";

rmSync(E2E_SCENARIOS_DIR, { recursive: true, force: true });
mkdirSync(E2E_SCENARIOS_DIR, { recursive: true });
if (existsSync(REPO_SCENARIOS_DIR)) cpSync(REPO_SCENARIOS_DIR, join(E2E_SCENARIOS_DIR, "repo"), { recursive: true });
cpSync(FIXTURE_SCENARIOS_DIR, join(E2E_SCENARIOS_DIR, "fixtures"), { recursive: true });
console.log(`e2e scenarios assembled in ${E2E_SCENARIOS_DIR}`);
