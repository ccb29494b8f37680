// A learner's host dies under the player (its PID 1 is killed through the engine, as an OOM kill or a
// crash would): the player shows which host stopped and why, and its Restart button brings the host back
// with a working terminal. Waits on roles and data-status, never on time.
import { connectEngine } from "@circus/sandbox";
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { E2E_LABEL } from "./e2e-run";
import { screen, startScenario, stopRun, typeCommand, waitConnected } from "./player-page";

test.describe.configure({ timeout: 180_000 });

test("a host whose PID 1 died is shown with its reason and restarted from the player", async ({ page }) => {
  const runId = await startScenario(page, "circus-basics");
  try {
    const docker = await connectEngine();
    const [container] = await docker.listContainers({
      filters: { label: [`${E2E_LABEL.key}=${E2E_LABEL.value}`, `circus.owner=${runId}`] },
    });
    expect(container).toBeDefined();
    await docker.getContainer(container!.Id).kill({ signal: "SIGKILL" });

    const alert = page.getByRole("alert").filter({ hasText: "Host node1 stopped (exit code 137)" });
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expectAccessible(page, "player with a stopped host");
    await alert.getByRole("button", { name: "Restart node1" }).click();
    await expect(alert).toBeHidden({ timeout: 60_000 });
    await waitConnected(page, "node1");
    await typeCommand(page, "node1", "echo back-$((40+2))");
    await expect(screen(page, "node1")).toContainText("back-42");
  } finally {
    await stopRun(page, runId).catch(() => undefined);
  }
});
