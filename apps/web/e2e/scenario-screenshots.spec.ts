// Every scenario of the repository's library, started in a real sandbox: its first step is shown with
// the terminal connected, and a screenshot of it is saved as a test artifact (for reviewing the library).
import { readdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { startScenario, stopRun } from "./player-page";
import { REPO_SCENARIOS_DIR } from "./scenario-dirs";

const scenarioIds = readdirSync(REPO_SCENARIOS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test("the repository has scenarios to show", () => {
  expect(scenarioIds.length).toBeGreaterThanOrEqual(8);
});

for (const scenarioId of scenarioIds) {
  test(`${scenarioId}: the first step shows with its terminal connected`, async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const runId = await startScenario(page, scenarioId);
    try {
      const step = page.locator("article.step");
      await expect(step).toHaveAttribute("data-step-ready", "true", { timeout: 90_000 });
      await expect(step.getByRole("heading").first()).toBeVisible();
      const path = testInfo.outputPath(`${scenarioId}-first-step.png`);
      await page.screenshot({ path });
      await testInfo.attach(`${scenarioId} first step`, { path, contentType: "image/png" });
    } finally {
      await stopRun(page, runId);
    }
  });
}
