// `npx tsx scripts/ensure-haproxy.ts`: makes Debian's HAProxy available for the web-replica tests and the
// bench (they run it themselves, on loopback, with docker/haproxy/haproxy.cfg), installing the package as
// root when missing. Prints the binary's path. Idempotent and quick when it is installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const HAPROXY_BINARY = "/usr/sbin/haproxy";

class EnsureHaproxyError extends Error {
  override name = "EnsureHaproxyError";
  constructor(message: string, remedy: string) {
    super(`${message} (${remedy})`);
  }
}

function aptGet(args: string[]): { status: number; output: string } {
  const result = spawnSync("apt-get", args, {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error) return { status: 127, output: result.error.message };
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Installs HAProxy when missing; returns its path. */
export function ensureHaproxy(): string {
  if (existsSync(HAPROXY_BINARY)) return HAPROXY_BINARY;
  if (process.getuid?.() !== 0) {
    throw new EnsureHaproxyError(
      `HAProxy is not installed (${HAPROXY_BINARY} is missing)`,
      "install it as root with `apt-get install -y haproxy`, or run this script as root",
    );
  }
  console.error("» installing HAProxy (apt-get install -y haproxy)");
  const install = () => aptGet(["install", "-y", "--no-install-recommends", "haproxy"]);
  let outcome = install();
  if (outcome.status !== 0) {
    console.error("» apt-get install failed; updating the package lists and retrying");
    const update = aptGet(["update"]);
    if (update.status !== 0)
      throw new EnsureHaproxyError(`apt-get update failed:\n${update.output}`, "check the machine's apt sources");
    outcome = install();
  }
  if (outcome.status !== 0 || !existsSync(HAPROXY_BINARY)) {
    throw new EnsureHaproxyError(`apt-get install haproxy failed:\n${outcome.output}`, "read apt's output above");
  }
  return HAPROXY_BINARY;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(ensureHaproxy());
  } catch (error) {
    console.error(error instanceof EnsureHaproxyError ? `✗ ${error.message}` : error);
    process.exit(1);
  }
}
