// Claiming a fresh server: while no instructor exists, the first admin account can only be made with
// a one-time setup token that the server prints at start-up (or CIRCUS_SETUP_TOKEN), so nobody who
// merely reaches a new server on a public address can make themselves its admin.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "@circus/db";
import type { WebConfig } from "../../config";
import type { Logger } from "../../logger";

export interface FirstAdminSetup {
  /** True while the server has no instructor yet and the token has not been used. */
  readonly pending: boolean;
  /** Whether `token` is the setup token of a pending setup (constant time). */
  accepts(token: string): boolean;
  /** After the first admin exists: the token is spent, whoever used it. */
  close(): void;
}

const SETUP_SIGN_UP_PATH = "/instructor/sign-up";

/** Arms the setup when the database has no instructor, and prints how to use it. */
export async function prepareFirstAdminSetup(
  db: Pick<Database, "countInstructors">,
  config: Pick<WebConfig, "setupToken" | "allowedOrigins">,
  logger: Logger,
): Promise<FirstAdminSetup> {
  if ((await db.countInstructors()) > 0) return closedSetup();
  const token = config.setupToken ?? randomBytes(32).toString("base64url");
  const expected = digest(token);
  let pending = true;
  const origin = config.allowedOrigins[0] ?? "";
  // Printed on purpose: whoever reads the server's output is its operator. A configured token is not echoed.
  logger.warn(
    config.setupToken
      ? { signUp: `${origin}${SETUP_SIGN_UP_PATH}` }
      : { setupToken: token, signUp: `${origin}${SETUP_SIGN_UP_PATH}?setup=${token}` },
    config.setupToken
      ? "no admin yet: sign up with the setup token of CIRCUS_SETUP_TOKEN to become the admin"
      : "no admin yet: open the signUp link (or enter this setup token on the sign-up page) to become the admin; the token works once",
  );
  return {
    get pending() {
      return pending;
    },
    accepts(given) {
      return pending && timingSafeEqual(digest(given), expected);
    },
    close() {
      pending = false;
    },
  };
}

function closedSetup(): FirstAdminSetup {
  return { pending: false, accepts: () => false, close: () => {} };
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
