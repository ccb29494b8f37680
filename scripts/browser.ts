// Makes sure Debian's Chromium is there for Playwright (Playwright's own browser download cannot
// reach its host from these machines), installing it with apt-get when we are root.
import { existsSync } from "node:fs";
import { runCommand } from "./steps";

export const chromiumPath = "/usr/bin/chromium";

export async function ensureBrowser(): Promise<number> {
  if (existsSync(chromiumPath)) return 0;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    console.error(`Chromium is missing at ${chromiumPath}. Install it: sudo apt-get install -y chromium`);
    return 1;
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const update = await runCommand("apt-get", ["update", "-q"], { env });
  if (update !== 0) return update;
  return runCommand("apt-get", ["install", "-y", "-q", "chromium"], { env });
}
