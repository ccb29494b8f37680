// Terminal recordings in a real browser against the real server, engine and database: what the learner
// typed is replayed on the finish page (play, pause, speed, seek, jump to markers) and downloads as `.cast`.
import { expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { screen, startScenario, stopRun, typeCommand } from "./player-page";

test.describe.configure({ timeout: 180_000 });

const runs: Array<{ page: Page; runId: string }> = [];
test.afterEach(async () => {
  for (const { page, runId } of runs.splice(0)) await stopRun(page, runId).catch(() => undefined);
});

const check = (page: Page) => page.getByRole("button", { name: "Check", exact: true });
const checkResult = (page: Page) => page.locator(".check-result");

test("the finish page replays the learner's own session, with markers, and downloads it as .cast", async ({ page }) => {
  const runId = await startScenario(page, "circus-basics");
  runs.push({ page, runId });
  await typeCommand(page, "node1", "echo replay-me-$((6*7))");
  await expect(screen(page, "node1")).toContainText("replay-me-42");
  await check(page).click();
  await expect(checkResult(page)).toContainText("There is no ~/hostname.txt yet");
  await typeCommand(page, "node1", "hostname > ~/hostname.txt; echo fixed-$((40+2))");
  await expect(screen(page, "node1")).toContainText("fixed-42");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Write a file" })).toBeVisible();
  await stopRun(page, runId);

  await page.goto(`/runs/${encodeURIComponent(runId)}/finish`);
  const player = page.getByTestId("cast-player");
  await expect(player).toHaveAttribute("data-state", "paused", { timeout: 30_000 });
  await expectAccessible(page, "finish page with the replay");
  const markers = page.getByRole("list", { name: "Markers" });
  await expect(markers).toContainText("Check failed (step 1)");
  await expect(markers).toContainText("Check passed (step 1)");
  await expect(markers).toContainText("Step 2: Write a file");

  // Jump to the last marker: by then the learner had typed both commands.
  await markers.getByRole("button", { name: /Step 2: Write a file/ }).click();
  const replayScreen = page.getByTestId("cast-screen").locator(".xterm-accessibility-tree");
  await expect(replayScreen).toContainText("fixed-42");
  // Back to the start: the screen is rebuilt empty, then playing at 8× brings the first command back.
  await page.getByRole("slider", { name: "Position in the recording" }).fill("0");
  await expect(replayScreen).not.toContainText("replay-me-42");
  await page.getByRole("combobox", { name: "Speed" }).selectOption("8");
  await page.getByRole("button", { name: "Play" }).click();
  await expect(player).toHaveAttribute("data-state", /playing|ended/);
  await expect(replayScreen).toContainText("replay-me-42", { timeout: 30_000 });
  await expect(player).toHaveAttribute("data-state", "ended", { timeout: 60_000 });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download .cast" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^circus-basics-terminal-node1-.*\.cast$/);
  const lines = (await (await download.createReadStream()).toArray()).join("").trim().split("\n");
  expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ version: 2 });
  const events = lines.slice(1).map((line) => JSON.parse(line) as [number, string, string]);
  expect(
    events
      .filter(([, code]) => code === "i")
      .map(([, , data]) => data)
      .join(""),
  ).toContain("echo replay-me");
});
