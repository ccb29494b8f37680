// The kernel's key quota for the sandboxes' user. runc gives every container and every exec (each open
// terminal, each Check) a session keyring, charged to the container's root user; under user-namespace
// remapping that is one unprivileged host uid for all sandboxes, whose quota (kernel.keys.maxkeys, 200 by
// default) then caps the whole machine near 100 learners: creates and execs fail with "unable to create
// session key: disk quota exceeded". Raised at engine setup (`npm start`) when Circus may, else reported.
import { readFile, writeFile } from "node:fs/promises";

const MAXKEYS = "/proc/sys/kernel/keys/maxkeys";
const MAXBYTES = "/proc/sys/kernel/keys/maxbytes";

/** Keys planned per sandbox: its container, a few open terminals and a running Check. */
export const KEYS_PER_SANDBOX = 8;
/** Bytes of key payload planned per key (a session keyring's description is ~70 bytes). */
const BYTES_PER_KEY = 200;

export interface KeyQuota {
  maxKeys: number;
  maxBytes: number;
}

/** The quota `sandboxes` environments need (never below the kernel's own defaults). */
export function keyQuotaFor(sandboxes: number): KeyQuota {
  const maxKeys = Math.max(200, sandboxes * KEYS_PER_SANDBOX);
  return { maxKeys, maxBytes: Math.max(20_000, maxKeys * BYTES_PER_KEY) };
}

export async function readKeyQuota(): Promise<KeyQuota> {
  const [keys, bytes] = await Promise.all([readFile(MAXKEYS, "utf8"), readFile(MAXBYTES, "utf8")]);
  return { maxKeys: Number(keys), maxBytes: Number(bytes) };
}

export type KeyQuotaOutcome =
  | { kind: "enough"; quota: KeyQuota }
  | { kind: "raised"; from: KeyQuota; to: KeyQuota }
  | { kind: "too-low"; quota: KeyQuota; fix: string };

/**
 * Raises kernel.keys.maxkeys/maxbytes to what `sandboxes` environments need (never lowers them). Without
 * the right to (not root, a read-only /proc/sys), answers the quota and the command that would fix it.
 */
export async function ensureKeyQuota(sandboxes: number): Promise<KeyQuotaOutcome> {
  const current = await readKeyQuota();
  const needed = keyQuotaFor(sandboxes);
  if (current.maxKeys >= needed.maxKeys && current.maxBytes >= needed.maxBytes)
    return { kind: "enough", quota: current };
  const target = {
    maxKeys: Math.max(current.maxKeys, needed.maxKeys),
    maxBytes: Math.max(current.maxBytes, needed.maxBytes),
  };
  try {
    await writeFile(MAXKEYS, String(target.maxKeys));
    await writeFile(MAXBYTES, String(target.maxBytes));
    return { kind: "raised", from: current, to: target };
  } catch {
    return {
      kind: "too-low",
      quota: current,
      fix: `as root: sysctl -w kernel.keys.maxkeys=${target.maxKeys} kernel.keys.maxbytes=${target.maxBytes} (and put both in /etc/sysctl.d/ to keep them)`,
    };
  }
}
