// Makes sure the web app's production build (apps/web/.next) exists and is newer than its sources,
// running `turbo run build --filter=@circus/web` when it is missing or stale.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inheritedEnvironment } from "./config";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const APP_DIR = join(REPO_ROOT, "apps", "web");
/** Written last by the build (after Next's, by the player's entry build). */
const BUILD_ID = join(APP_DIR, ".next", "circus-player-entry.json");
/** What the build is made from (tests and test fixtures are not). */
const SOURCES = [join(APP_DIR, "src"), join(APP_DIR, "next.config.ts"), join(APP_DIR, "package.json")];
const SOURCE_FILE = /\.(tsx?|css|svg|json)$/;
const NOT_BUILT = /(\.test\.ts$|\/test\/|\/e2e\/)/;

/** Returns "fresh" or "built"; throws with the build's output when the build fails. */
export async function ensureWebBuild(log: (line: string) => void): Promise<"fresh" | "built"> {
  const builtAt = existsSync(BUILD_ID) ? statSync(BUILD_ID).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map(newestModification));
  if (builtAt > newest) return "fresh";
  log(
    builtAt === 0
      ? "web: no production build, building"
      : "web: the production build is older than its sources, rebuilding",
  );
  try {
    await promisify(execFile)("npx", ["turbo", "run", "build", "--filter=@circus/web"], {
      cwd: REPO_ROOT,
      // Neither Next nor turbo may call home.
      env: {
        ...inheritedEnvironment(),
        NEXT_TELEMETRY_DISABLED: "1",
        TURBO_TELEMETRY_DISABLED: "1",
        DO_NOT_TRACK: "1",
      },
      maxBuffer: 32 * 1024 * 1024,
      timeout: 600_000,
    });
  } catch (error) {
    const output = (error as { stdout?: string; stderr?: string }).stdout ?? "";
    throw new Error(`the web app's build failed: ${String(error).slice(0, 200)}\n${output.slice(-2_000)}`);
  }
  return "built";
}

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return SOURCE_FILE.test(path) && !NOT_BUILT.test(path) ? stat.mtimeMs : 0;
  return Math.max(0, ...readdirSync(path).map((entry) => newestModification(join(path, entry))));
}
