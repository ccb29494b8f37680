// What one end-to-end run owns, shared by the Playwright config, its teardown and the specs: an id
// (the sandbox runtime's label scope `circus.test=<id>`) and a throw-away SQLite database.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Set once by the runner's config; its workers inherit it through the environment. */
process.env.CIRCUS_E2E_ID ??= `e2e-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

export const E2E_ID: string = process.env.CIRCUS_E2E_ID;
export const E2E_LABEL = { key: "circus.test", value: E2E_ID } as const;
export const E2E_DATABASE_FILE = join(tmpdir(), `circus-${E2E_ID}.db`);
