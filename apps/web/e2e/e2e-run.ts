// What one end-to-end run owns, shared by the Playwright config, its teardown and the specs: an id
// (the server's sandbox scope, labelled `circus.scope=<id>` on everything it creates) and a
// throw-away SQLite database.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Set once by the runner's config; its workers inherit it through the environment. */
process.env.CIRCUS_E2E_ID ??= `e2e-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

export const E2E_ID: string = process.env.CIRCUS_E2E_ID;
/** The label the server (CIRCUS_SANDBOX_SCOPE) puts on every container and network of its sandboxes. */
export const E2E_LABEL = { key: "circus.scope", value: E2E_ID } as const;
export const E2E_DATABASE_FILE = join(tmpdir(), `circus-${E2E_ID}.db`);
/** The server's one-time setup token (CIRCUS_SETUP_TOKEN): the workshop test claims the first admin with it. */
export const E2E_SETUP_TOKEN = `setup-${E2E_ID.replace(/[^A-Za-z0-9_-]/g, "")}-claims-the-first-admin`;
