// Step checkpoints in a real browser: a learner passes step 1, works on step 2, rewinds to its start
// (the file of step 1 is back, the later one is gone, the terminal reconnects), saves and leaves, finds
// the lab on "My labs", resumes it and finds the same files on the same step. Waits on roles and
// data-status, never on time.
import { expect, type Page, test } from "@playwright/test";
import { screen, startScenario, stopRun, typeCommand, waitConnected } from "./player-page";

test.describe.configure({ timeout: 240_000 });

const toast = (page: Page) => page.locator(".toast");

test("passes a step, rewinds to the next step's start, saves and leaves, and resumes from My labs", async ({
  page,
}) => {
  // The player hydrated by its own client entry (a document load), as after a reload or a resume.
  const runId = await startScenario(page, "circus-basics", { documentLoad: true });
  try {
    await typeCommand(page, "node1", "hostname > ~/hostname.txt && echo saved-$((40+2))");
    await expect(screen(page, "node1")).toContainText("saved-42");
    await page.getByRole("button", { name: "Check", exact: true }).click();
    await expect(page.locator(".check-result")).toContainText("Check passed");
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByRole("navigation", { name: "Steps" }).locator('[aria-current="step"]')).toContainText(
      "Write a file",
    );

    await typeCommand(page, "node1", "echo later > ~/later.txt && echo later-$((3+4))");
    await expect(screen(page, "node1")).toContainText("later-7");
    await page.getByRole("button", { name: "Rewind to the start of step 2" }).click();
    await expect(toast(page)).toContainText("Rewound to the start of step 2");
    await expect(toast(page)).toContainText("Not kept: running processes");
    await waitConnected(page, "node1");
    await typeCommand(page, "node1", "test -f ~/hostname.txt && test ! -e ~/later.txt && echo rewound-$((5+6))");
    await expect(screen(page, "node1")).toContainText("rewound-11");

    await page.getByRole("button", { name: "Save and leave" }).click();
    await expect(page.getByRole("status").filter({ hasText: "This lab is saved at step 2" })).toBeVisible({
      timeout: 60_000,
    });

    await page.getByRole("link", { name: "My labs" }).first().click();
    const saved = page.getByRole("list", { name: "Saved labs" }).locator(`li[data-run="${runId}"]`);
    await expect(saved).toContainText("Step 2");
    await saved.getByRole("link", { name: /^Resume / }).click();
    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await expect(page.getByTestId("resume-report")).toContainText("Resumed at step 2");
    await expect(page.getByTestId("resume-report")).toContainText("Not carried over: running processes");
    await waitConnected(page, "node1");
    await typeCommand(page, "node1", "test -f ~/hostname.txt && echo resumed-$((6+7))");
    await expect(screen(page, "node1")).toContainText("resumed-13");
    await expect(page.getByRole("navigation", { name: "Steps" }).locator('[aria-current="step"]')).toContainText(
      "Write a file",
    );
  } finally {
    await stopRun(page, runId).catch(() => undefined);
  }
});
