// Removes a temporary root filesystem safely: anything still mounted inside it (debootstrap
// mounts /proc and /sys while it works) is unmounted first, and rm never crosses into a mount.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runCommand } from "../engine/run-command";

export async function removeFolderTree(dir: string): Promise<void> {
  const root = resolve(dir);
  const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  const inside = mounts
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((point): point is string => point !== undefined)
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of inside) {
    const outcome = await runCommand("umount", ["--lazy", point]);
    if (outcome.exitCode !== 0) throw new Error(`could not unmount ${point}: ${outcome.tail.join(" ")}`);
  }
  const removal = await runCommand("rm", ["-rf", "--one-file-system", "--", root]);
  if (removal.exitCode !== 0) throw new Error(`could not remove ${root}: ${removal.tail.join(" ")}`);
}
