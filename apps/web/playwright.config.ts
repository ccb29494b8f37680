// End-to-end tests of the web app in Debian's Chromium against the real production server (`next build`,
// then server.ts) with the real sandbox engine, a throw-away SQLite database and the runtime scoped to
// `circus.scope=e2e-<id>` (see e2e/e2e-run.ts); the global teardown removes what that scope created.
import { defineConfig, devices } from "@playwright/test";
import { DEV_BASE_URL, DEV_DATABASE_FILE, DEV_LABEL, DEV_PORT, DEV_SCENARIO_DIR } from "./e2e/dev-scenario";
import { E2E_DATABASE_FILE, E2E_LABEL, E2E_SETUP_TOKEN } from "./e2e/e2e-run";
import { E2E_SCENARIOS_DIR } from "./e2e/scenario-dirs";

const CI = Boolean(process.env.CI);
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  forbidOnly: CI,
  retries: CI ? 2 : 0,
  workers: CI ? 1 : 2,
  reporter: CI ? [["list"], ["html", { open: "never" }]] : "list",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /dev-reload\.spec\.ts/ },
    // `circus dev`'s live reload, against the second server (dev-scenario mode).
    {
      name: "dev-reload",
      use: { ...devices["Desktop Chrome"], baseURL: DEV_BASE_URL },
      testMatch: /dev-reload\.spec\.ts/,
    },
  ],
  webServer: [
    {
      command: "node --import tsx e2e/assemble-scenarios.ts && npm run build && node --import tsx server.ts",
      url: `${BASE_URL}/readyz`,
      env: {
        PORT: String(PORT),
        HOST: "127.0.0.1",
        CIRCUS_SCENARIOS_DIR: E2E_SCENARIOS_DIR,
        DATABASE_URL: `file:${E2E_DATABASE_FILE}`,
        CIRCUS_SECRET: "e2e-secret-that-signs-the-test-learners-cookies",
        CIRCUS_SANDBOX_SCOPE: E2E_LABEL.value,
        CIRCUS_SETUP_TOKEN: E2E_SETUP_TOKEN,
        CIRCUS_WARM_POOL_SIZE: "0",
        CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "100",
        CIRCUS_STARTS_PER_IP_PER_MINUTE: "1000",
        // Every e2e learner comes from 127.0.0.1; the caps have integration tests of their own.
        CIRCUS_ENVIRONMENTS_PER_LEARNER: "100",
        CIRCUS_ENVIRONMENTS_PER_ADDRESS: "10000",
        LOG_LEVEL: "info",
        // Next's telemetry would call out to the internet.
        NEXT_TELEMETRY_DISABLED: "1",
      },
      // Only for a server started by hand with the same environment (E2E_REUSE_SERVER=1).
      reuseExistingServer: Boolean(process.env.E2E_REUSE_SERVER),
      timeout: 300_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    // Started after the first (which builds the app): the same build, serving one watched scenario.
    {
      command: "node --import tsx e2e/prepare-dev-scenario.ts && node --import tsx server.ts",
      url: `${DEV_BASE_URL}/readyz`,
      env: {
        PORT: String(DEV_PORT),
        HOST: "127.0.0.1",
        CIRCUS_DEV_SCENARIO: DEV_SCENARIO_DIR,
        DATABASE_URL: `file:${DEV_DATABASE_FILE}`,
        CIRCUS_SECRET: "e2e-secret-that-signs-the-test-learners-cookies",
        CIRCUS_SANDBOX_SCOPE: DEV_LABEL.value,
        CIRCUS_WARM_POOL_SIZE: "0",
        CIRCUS_ENVIRONMENTS_PER_ADDRESS: "10000",
        LOG_LEVEL: "info",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      reuseExistingServer: Boolean(process.env.E2E_REUSE_SERVER),
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
