// The player in a real browser against the real server, engine and database: the whole learner path,
// resume after a reload, isolation between learners, origin checks, Ctrl-C, both KataCoda formats,
// and a two-host scenario with a port preview and the editor. Waits on data-status, never on time.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page, test } from "@playwright/test";
import {
  cookieHeader,
  screen,
  startScenario,
  stopRun,
  terminal,
  typeCommand,
  upgradeStatus,
  waitConnected,
  watchCspViolations,
} from "./player-page";

test.describe.configure({ timeout: 180_000 });

const runs: Array<{ page: Page; runId: string }> = [];
test.afterEach(async () => {
  for (const { page, runId } of runs.splice(0)) await stopRun(page, runId).catch(() => undefined);
});

const execBlock = (page: Page, text: RegExp) =>
  page.locator('.step-content [data-circus-action="exec"]').filter({ hasText: text }).first();
const check = (page: Page) => page.getByRole("button", { name: "Check", exact: true });
const checkResult = (page: Page) => page.locator(".check-result");

/** Types a marker command and waits for its output: everything typed before it has run. */
async function settle(page: Page, terminalId: string, label: string): Promise<void> {
  await typeCommand(page, terminalId, `echo ${label}-$((40+2))`);
  await expect(screen(page, terminalId)).toContainText(`${label}-42`);
}

test("circus-basics from the catalog to the finish page", async ({ page }, testInfo) => {
  const violations = watchCspViolations(page);
  await page.goto("/");
  await page.screenshot({ path: testInfo.outputPath("catalog.png"), fullPage: true });
  await page.getByRole("link", { name: "Circus basics: your first sandbox" }).click();
  await expect(page.getByRole("button", { name: "Start" })).toBeEnabled();
  // On from a document load of the player: its own client entry, not Next's runtime (steps, code blocks,
  // Check, the quiz loaded when shown, Finish's navigation).
  const runId = await startScenario(page, "circus-basics", { documentLoad: true });
  runs.push({ page, runId });
  await expect(terminal(page, "node1")).toHaveAttribute("data-renderer", "webgl");

  await typeCommand(page, "node1", "echo typed-$((2+3))");
  await expect(screen(page, "node1")).toContainText("typed-5");
  await execBlock(page, /^\s*ls \/\s*$/).click();
  await expect(screen(page, "node1")).toContainText("boot");

  const next = page.getByRole("button", { name: "Next" });
  await expect(next).toBeDisabled();
  await check(page).click();
  await expect(checkResult(page)).toContainText("There is no ~/hostname.txt yet");
  await expect(next).toBeDisabled();

  await execBlock(page, /hostname > ~\/hostname\.txt/).click();
  await settle(page, "node1", "fixed");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.screenshot({ path: testInfo.outputPath("player.png") });
  await testInfo.attach("player", { path: testInfo.outputPath("player.png"), contentType: "image/png" });
  await next.click();

  await expect(page.getByRole("heading", { level: 2, name: "Write a file" })).toBeVisible();
  await check(page).click();
  await expect(checkResult(page)).toContainText("There is no ~/circus/hello.txt yet");
  await execBlock(page, /mkdir -p ~\/circus/).click();
  await settle(page, "node1", "wrote");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(page.getByRole("heading", { level: 2, name: "Check what you learned" })).toBeVisible();
  const finish = page.getByRole("button", { name: "Finish" });
  await expect(finish).toBeDisabled();
  const quiz = page.getByRole("form", { name: "Quiz" });
  await quiz.getByRole("radio", { name: "whoami" }).check();
  await quiz.getByRole("button", { name: "Submit answers" }).click();
  await expect(quiz).toContainText("Some answers are not right yet.");
  await quiz.getByRole("radio", { name: "hostname" }).check();
  await quiz.getByRole("checkbox", { name: "echo" }).check();
  await quiz.getByRole("checkbox", { name: "cat" }).check();
  await quiz.getByRole("textbox").fill("Hello, Circus");
  await quiz.getByRole("button", { name: "Submit answers" }).click();
  await expect(quiz).toContainText("All answers are correct.");
  await finish.click();

  await expect(page).toHaveURL(new RegExp(`/runs/${runId}/finish$`));
  await expect(page.getByTestId("steps-done")).toHaveText("3 of 3");
  await expect(page.getByTestId("time-taken")).toHaveText(/^\d+:\d\d$/);
  await expect(page.getByRole("list", { name: "Next scenarios" })).toContainText("Two hosts fixture");
  expect(violations).toEqual([]);
});

test("a reload returns to the same step and environment, replaying the terminal once", async ({ page }) => {
  const runId = await startScenario(page, "circus-basics");
  runs.push({ page, runId });
  await execBlock(page, /hostname > ~\/hostname\.txt/).click();
  await settle(page, "node1", "first");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Write a file" })).toBeVisible();
  await typeCommand(page, "node1", "echo before > /tmp/e2e-state; echo marker-$((6*7))");
  await expect(screen(page, "node1")).toContainText("marker-42");

  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: "Write a file" })).toBeVisible();
  await waitConnected(page, "node1");
  await expect(screen(page, "node1")).toContainText("marker-42");
  const replayed = await screen(page, "node1").textContent();
  expect(replayed?.split("marker-42").length).toBe(2);
  await typeCommand(page, "node1", "tr a-z A-Z < /tmp/e2e-state");
  await expect(screen(page, "node1")).toContainText("BEFORE");
});

test("another learner gets neither the run's page nor its terminal, and foreign origins are refused", async ({
  page,
  browser,
  baseURL,
}) => {
  const runId = await startScenario(page, "circus-basics");
  runs.push({ page, runId });
  const socketPath = `/ws/terminal?run=${encodeURIComponent(runId)}&host=node1&terminal=node1`;
  const origin = new URL(baseURL ?? "").origin;

  const intruder = await browser.newContext();
  try {
    const other = await intruder.newPage();
    const response = await other.goto(`/runs/${runId}`);
    expect(response?.status()).toBe(404);
    await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
    const outcome = await other.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve("open");
          socket.onclose = () => resolve("refused");
        }),
      `${origin.replace(/^http/, "ws")}${socketPath}`,
    );
    expect(outcome).toBe("refused");
    expect(await upgradeStatus(origin, socketPath, { cookie: await cookieHeader(intruder), origin })).not.toBe(101);
  } finally {
    await intruder.close();
  }

  // The owner's own cookies: accepted from the app's origin, refused from any other.
  const cookie = await cookieHeader(page.context());
  expect(await upgradeStatus(origin, socketPath, { cookie, origin })).toBe(101);
  expect(await upgradeStatus(origin, socketPath, { cookie, origin: "http://evil.example" })).toBe(403);

  // A page on another port of the same host: the browser sends the learner's cookies, the Origin gives it away.
  const foreign: Server = createServer((_req, res) => res.end("<!doctype html><title>foreign</title>"));
  await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
  try {
    const foreignPage = await page.context().newPage();
    await foreignPage.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const foreignOutcome = await foreignPage.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve("open");
          socket.onclose = () => resolve("refused");
        }),
      `${origin.replace(/^http/, "ws")}${socketPath}`,
    );
    expect(foreignOutcome).toBe("refused");
  } finally {
    foreign.close();
  }
});

test("Ctrl-C stops `yes` and the prompt comes back", async ({ page }) => {
  const runId = await startScenario(page, "circus-basics");
  runs.push({ page, runId });
  await typeCommand(page, "node1", "yes");
  await expect(screen(page, "node1")).toContainText(/y\ny\ny\ny/, { useInnerText: true });
  await page.keyboard.press("Control+C");
  await settle(page, "node1", "back");
});

test("a KataCoda-format scenario runs end to end", async ({ page }) => {
  const runId = await startScenario(page, "katacoda-hello");
  runs.push({ page, runId });
  await execBlock(page, /echo "hello circus" > ~\/hello\.txt/).click();
  await settle(page, "1", "step1");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator("[data-step-ready=true]")).toBeVisible();
  await execBlock(page, /python3 -c/).click();
  await execBlock(page, /cat ~\/hello\.json/).click();
  await expect(screen(page, "1")).toContainText('{"greeting": "hello circus"}');
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page).toHaveURL(/\/finish$/);
  await expect(page.getByTestId("steps-done")).toHaveText("2 of 2");
});

test("a Killercoda-format scenario runs end to end, background scripts included", async ({ page }) => {
  const runId = await startScenario(page, "killercoda-hello");
  runs.push({ page, runId });
  await expect(page.locator("[data-step-ready=true]")).toBeVisible();
  await execBlock(page, /cat ~\/app\/settings\.conf/).click();
  await expect(screen(page, "1")).toContainText("mode=debug");
  await execBlock(page, /sed -i/).click();
  await settle(page, "1", "sed");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator("[data-step-ready=true]")).toBeVisible();
  await execBlock(page, /cat > ~\/app\/status\.sh/).click();
  await execBlock(page, /^\s*~\/app\/status\.sh\s*$/).click();
  await settle(page, "1", "status");
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByTestId("steps-done")).toHaveText("2 of 2");
});

test("a Killercoda scenario on a Kubernetes image starts its hosts, and an editor block writes its file", async ({
  page,
}) => {
  const runId = await startScenario(page, "zirconium-killercoda");
  runs.push({ page, runId });
  await expect(page.locator("[data-step-ready=true]")).toBeVisible();
  await expect(page.getByRole("tab", { name: "node01", exact: true })).toBeVisible();
  await check(page).click();
  await expect(checkResult(page)).not.toContainText("Check passed");
  await page.locator('.step-content [data-circus-action="file"]').filter({ hasText: "zirconium notes" }).click();
  await expect(page.getByText("Wrote /root/notes/todo.txt.")).toBeVisible();
  await check(page).click();
  await expect(checkResult(page)).toContainText("Check passed");
});

test("two hosts reach each other by name, a port preview shows node2's page, the editor saves", async ({ page }) => {
  const violations = watchCspViolations(page);
  // The player's own client entry (a document load): host tabs, the preview and the lazily loaded editor.
  const runId = await startScenario(page, "two-hosts", { documentLoad: true });
  runs.push({ page, runId });
  await waitConnected(page, "node2");

  await execBlock(page, /getent hosts node2/).click();
  await expect(page.getByRole("tab", { name: "node1", exact: true })).toHaveAttribute("aria-selected", "true");
  await expect(screen(page, "node1")).toContainText(/\d+\.\d+\.\d+\.\d+\s+node2/);

  await execBlock(page, /python3 -m http\.server 8000/).click();
  await expect(page.getByRole("tab", { name: "node2", exact: true })).toHaveAttribute("aria-selected", "true");
  await expect(screen(page, "node2")).toContainText("Serving HTTP on");
  await expect(page.getByRole("link", { name: "the page on node2" })).toHaveAttribute(
    "href",
    `/preview/${runId}/node2/8000/`,
  );

  await page.getByRole("tab", { name: "Web on node2" }).click();
  const frame = page.locator("iframe.preview-frame");
  await expect(frame).toHaveAttribute("sandbox", "allow-scripts allow-forms allow-popups");
  await expect(page.frameLocator("iframe.preview-frame").locator("body")).toContainText("hello from node2");
  await expect(page.getByRole("link", { name: "Open in new tab" })).toHaveAttribute(
    "href",
    `/preview/${runId}/node2/8000/`,
  );

  await page.getByRole("tab", { name: "Editor" }).click();
  const editor = page.locator(".editor .cm-content");
  await editor.click();
  await page.keyboard.type("written in the editor");
  await expect(page.locator(".editor-state")).toHaveText(/Unsaved changes/);
  await page.keyboard.press("Control+s");
  await expect(page.locator(".editor-state")).toHaveText("Saved");
  await page.getByRole("tab", { name: "node1", exact: true }).click();
  await typeCommand(page, "node1", "tr a-z A-Z < /root/notes.txt");
  await expect(screen(page, "node1")).toContainText("WRITTEN IN THE EDITOR");
  expect(violations).toEqual([]);
});
