// `npm test`: sets up what the tests need (Docker engine, sandbox images, Chromium) and runs every
// test: lint, typecheck, unit tests, scenario validation, integration tests against the real engine
// and end-to-end tests in a real browser. Every step runs even when an earlier one failed.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureBrowser } from "./browser";
import { ensureHaproxy } from "./ensure-haproxy";
import { ensurePostgresForThisProcess } from "./ensure-postgres";
import { printSummary, repoRoot, runCommand, type StepResult, step } from "./steps";

const reports = join(repoRoot, ".circus", "reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const quietTools = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", NEXT_TELEMETRY_DISABLED: "1" };

async function vitest(project: string): Promise<Omit<StepResult, "name" | "seconds">> {
  const output = join(reports, `vitest-${project}.json`);
  const code = await runCommand(
    "npx",
    ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${output}`],
    { env: quietTools },
  );
  if (!existsSync(output)) return { ok: false, note: "vitest wrote no report" };
  const report = JSON.parse(readFileSync(output, "utf8")) as { numPassedTests: number; numFailedTests: number };
  return { ok: code === 0, passed: report.numPassedTests, failed: report.numFailedTests };
}

async function playwright(): Promise<Omit<StepResult, "name" | "seconds">> {
  const output = join(reports, "playwright.json");
  const code = await runCommand("npx", ["playwright", "test", "--reporter=list,json"], {
    cwd: join(repoRoot, "apps", "web"),
    env: { ...quietTools, PLAYWRIGHT_JSON_OUTPUT_NAME: output, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  if (!existsSync(output)) return { ok: false, note: "playwright wrote no report" };
  const { stats } = JSON.parse(readFileSync(output, "utf8")) as { stats: { expected: number; unexpected: number } };
  return { ok: code === 0, passed: stats.expected, failed: stats.unexpected };
}

const results: StepResult[] = [];
results.push(await step("lint and format (biome)", () => runCommand("npx", ["biome", "ci", "."])));
results.push(
  await step("typecheck (tsc, every workspace)", async () => {
    const workspaces = await runCommand("npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"], {
      env: quietTools,
    });
    const scripts = await runCommand("npx", ["tsc", "-p", "scripts"]);
    return workspaces || scripts;
  }),
);
results.push(await step("unit tests (vitest)", () => vitest("unit")));
results.push(
  await step("validate scenarios/", () => runCommand("npx", ["tsx", "apps/cli/src/main.ts", "validate", "scenarios"])),
);
const engine = await step("Docker engine", () => runCommand("npx", ["tsx", "scripts/ensure-engine.ts"]));
results.push(engine);
if (engine.ok) {
  results.push(await step("sandbox images", () => runCommand("npx", ["tsx", "scripts/images.ts"])));
  // The same database tests run on SQLite and on a real PostgreSQL 15 (installed and started here, and
  // stopped at the end of the run, passed or not, when this run started it).
  results.push(
    await step("PostgreSQL for tests", async () => {
      try {
        process.env.CIRCUS_TEST_POSTGRES_URL = ensurePostgresForThisProcess();
        return 0;
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        return 1;
      }
    }),
  );
  // The web-replica suite runs two replicas behind Debian's HAProxy (installed here).
  results.push(
    await step("HAProxy for tests", async () => {
      try {
        ensureHaproxy();
        return 0;
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        return 1;
      }
    }),
  );
  results.push(await step("integration tests (real engine, SQLite and PostgreSQL)", () => vitest("integration")));
  results.push(
    await step("self-test every scenario (circus test scenarios)", () =>
      runCommand("npx", ["tsx", "apps/cli/src/main.ts", "test", "scenarios"]),
    ),
  );
}
const browser = await step("Chromium for Playwright", () => ensureBrowser());
results.push(browser);
if (browser.ok) results.push(await step("end-to-end tests (Playwright)", () => playwright()));

printSummary(results);
const passed = results.reduce((sum, r) => sum + (r.passed ?? (r.ok ? 1 : 0)), 0);
const failed = results.reduce((sum, r) => sum + Math.max(r.failed ?? 0, r.ok ? 0 : 1), 0);
const broken = results.filter((r) => !r.ok);
// The plain closing line CI reads: tests and non-test checks (lint, typecheck, validation) together.
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(broken.length === 0 ? 0 : 1);
