// Join codes: 12 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L), about
// 59 bits, shown as `ABCD-EFGH-JKMN`. Learners may type them in any case, with or without dashes.
import { randomInt } from "node:crypto";

export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 12;

export function newJoinCode(): string {
  let code = "";
  for (let index = 0; index < JOIN_CODE_LENGTH; index += 1)
    code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** The canonical form of what a learner typed (upper case, no spaces or dashes). */
export function normalizeJoinCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

/** `ABCDEFGHJKMN` → `ABCD-EFGH-JKMN`, for slides. */
export function formatJoinCode(code: string): string {
  return code.match(/.{1,4}/g)?.join("-") ?? code;
}
