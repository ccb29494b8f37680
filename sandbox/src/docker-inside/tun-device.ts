// The machine's TUN device, as Docker-enabled hosts need it. Under user-namespace remapping the engine
// bind-mounts the machine's /dev/net/tun into the sandbox, owned by a root the sandbox does not map, so the
// learner can open it only when the machine's node is open to every user. udev's default rules make it
// 0666; a machine without udev keeps the kernel's 0600 and every Docker-enabled host would fail to start.
// Opened at engine setup (`npm start`, `npm test`) when Circus may, else reported with the command.
import { chmod, stat } from "node:fs/promises";

export const MACHINE_TUN_DEVICE = "/dev/net/tun";

export type TunDeviceOutcome =
  | { kind: "open" }
  | { kind: "opened"; fromMode: string }
  | { kind: "closed"; mode: string; fix: string }
  | { kind: "missing"; fix: string };

/** Makes the machine's TUN node readable and writable by every user (udev's default), when it is not. */
export async function ensureTunDeviceOpen(path = MACHINE_TUN_DEVICE): Promise<TunDeviceOutcome> {
  const mode = await stat(path).then(
    (found) => found.mode & 0o7777,
    () => undefined,
  );
  if (mode === undefined) {
    return {
      kind: "missing",
      fix: `this kernel has no ${path} (CONFIG_TUN): Docker-enabled hosts need it for networks and published ports`,
    };
  }
  if ((mode & 0o666) === 0o666) return { kind: "open" };
  const fromMode = mode.toString(8);
  try {
    await chmod(path, mode | 0o666);
    return { kind: "opened", fromMode };
  } catch {
    return { kind: "closed", mode: fromMode, fix: tunDeviceFix(path) };
  }
}

/** What to run when a Docker-enabled host cannot open the machine's TUN node. */
export function tunDeviceFix(path = MACHINE_TUN_DEVICE): string {
  return `as root: chmod 0666 ${path} (the mode udev's default rules give it; \`npm start\` does it when run as root)`;
}
