// Ids of learners and runs: 128 random bits in base64url (22 characters), unguessable because they
// appear in cookies and URLs.
import { randomBytes } from "node:crypto";
import { z } from "zod";

export function newRandomId(): string {
  return randomBytes(16).toString("base64url");
}

/** An id as `newRandomId` makes it (ids from cookies and URLs are checked against this). */
export const RandomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "expected a 22-character base64url id");
