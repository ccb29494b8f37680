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
  const report = JSON.parse(readFileSync(output, "utf8")) as VitestReport;
  const broken = failedFiles(report);
  failures.push(...broken.map((file) => `${project}: ${file.name}\n${file.message}`));
  if (code !== 0 && broken.length === 0) {
    failures.push(
      `${project}: vitest exited with ${code} though no file failed (an unhandled error or a crashed worker: look for "Unhandled" above)`,
    );
  }
  // A file whose setup failed (a beforeAll hook, an import) reports its tests as skipped, not failed:
  // such a file counts as one failure, so the closing line never says "0 failed" for a failed step.
  const withoutFailedTest = broken.filter((file) => file.failedTests === 0).length;
  return { ok: code === 0, passed: report.numPassedTests, failed: report.numFailedTests + withoutFailedTest };
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string; fullName: string; failureMessages?: string[] }>;
  }>;
}

/** The files of a report that failed, each with its first error (a hook's, an import's or a test's). */
function failedFiles(report: VitestReport): Array<{ name: string; message: string; failedTests: number }> {
  return report.testResults
    .filter((file) => file.status === "failed")
    .map((file) => {
      const failedTests = file.assertionResults.filter((test) => test.status === "failed");
      const first = failedTests[0];
      const message = file.message || (first ? `${first.fullName}: ${first.failureMessages?.[0] ?? ""}` : "");
      return {
        name: file.name.replace(`${repoRoot}/`, ""),
        message: firstLines(message, 12),
        failedTests: failedTests.length,
      };
    });
}

const firstLines = (text: string, count: number) => text.split("\n").slice(0, count).join("\n");

/** What failed, printed again after the summary so that the end of a long log names it. */
const failures: string[] = [];

async function playwright(): Promise<Omit<StepResult, "name" | "seconds">> {
  const output = join(reports, "playwright.json");
  const code = await runCommand("npx", ["playwright", "test", "--reporter=list,json"], {
    cwd: join(repoRoot, "apps", "web"),
    env: { ...quietTools, PLAYWRIGHT_JSON_OUTPUT_NAME: output, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  if (!existsSync(output)) return { ok: false, note: "playwright wrote no report" };
  const report = JSON.parse(readFileSync(output, "utf8")) as PlaywrightReport;
  failures.push(...failedSpecs(report).map((spec) => `playwright: ${spec}`));
  return { ok: code === 0, passed: report.stats.expected, failed: report.stats.unexpected };
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: Array<{ title: string; ok: boolean; tests: Array<{ results: Array<{ error?: { message?: string } }> }> }>;
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number };
  suites?: PlaywrightSuite[];
  errors?: Array<{ message?: string }>;
}

/** Each failed spec with its first error, and the run's own errors (a web server that did not start). */
function failedSpecs(report: PlaywrightReport): string[] {
  const found: string[] = (report.errors ?? []).map((error) => firstLines(error.message ?? "", 12));
  const visit = (suite: PlaywrightSuite, file: string) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok) continue;
      const error = spec.tests.flatMap((test) => test.results).find((result) => result.error)?.error?.message ?? "";
      found.push(`${suite.file ?? file} › ${spec.title}\n${firstLines(error, 12)}`);
    }
    for (const child of suite.suites ?? []) visit(child, suite.file ?? file);
  };
  for (const suite of report.suites ?? []) visit(suite, suite.file ?? suite.title);
  return found;
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
if (failures.length > 0) {
  console.log("\nwhat failed (first lines of each error; the full output is above):");
  for (const failure of failures) console.log(`\n${failure}`);
}
const passed = results.reduce((sum, r) => sum + (r.passed ?? (r.ok ? 1 : 0)), 0);
const failed = results.reduce((sum, r) => sum + Math.max(r.failed ?? 0, r.ok ? 0 : 1), 0);
const broken = results.filter((r) => !r.ok);
// The plain closing line CI reads: tests and non-test checks (lint, typecheck, validation) together.
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(broken.length === 0 ? 0 : 1);
