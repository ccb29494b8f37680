// Instructor passwords: argon2id (OWASP's recommended parameters: 19 MiB, 2 passes) through
// @node-rs/argon2, whose prebuilt native binary ships inside its npm package (no download at install).
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** m = 19 MiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet); the library's default algorithm is argon2id. */
const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh random salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/** Whether `password` matches the PHC string; false (never a throw) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A valid hash of a random password, verified against when an email is unknown, so that sign-in
 * takes as long for unknown emails as for wrong passwords (no account enumeration by timing).
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  return decoyHash;
}
