// The player's way to its first prompt in a real browser against the real server and engine: Start on a
// ready lab opens the first terminal's socket before the player page has loaded and the player takes that
// socket over (one socket, a working shell), and the player page's first scripts leave out what loads
// only when used (zod, the editor's CodeMirror, the dev preview, the workshop banner) and Next's client
// runtime (the page has its own client entry), within a size budget.
import { gzipSync } from "node:zlib";
import { expect, type Page, test } from "@playwright/test";
import { screen, startScenario, stopRun, typeCommand, waitConnected } from "./player-page";

test.describe.configure({ timeout: 180_000 });

const SCENARIO = "circus-basics";

const runs: Array<{ page: Page; runId: string }> = [];
test.afterEach(async () => {
  for (const { page, runId } of runs.splice(0)) await stopRun(page, runId).catch(() => undefined);
});

test("Start on a ready lab opens its terminal before the player page, which takes the socket over", async ({
  page,
}) => {
  const runId = await startScenario(page, SCENARIO);
  runs.push({ page, runId });
  // Start again from the scenario's page: the server answers the learner's ready run (as it answers a
  // warm pool's claim), so the button opens the first terminal itself.
  await page.goto(`/scenarios/${SCENARIO}`);
  const sockets: Array<{ url: string; openedOn: string }> = [];
  page.on("websocket", (socket) => sockets.push({ url: socket.url(), openedOn: new URL(page.url()).pathname }));
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await waitConnected(page, "node1");
  await typeCommand(page, "node1", "echo taken-over-$((6*7))");
  await expect(screen(page, "node1")).toContainText("taken-over-42");

  const first = sockets.filter((socket) => new URL(socket.url).searchParams.get("terminal") === "node1");
  expect(first, "one socket for the first terminal: the one Start opened").toHaveLength(1);
  expect(first[0]?.openedOn).toBe(`/scenarios/${SCENARIO}`);
});

/** What marks a lazily loaded part in a script's text (strings minification keeps). */
const LAZY_PARTS: Array<[part: string, marker: string]> = [
  ["zod (the player checks answers against contract-shapes.ts)", "$ZodType"],
  ["CodeMirror (the editor, loaded when a file is opened)", "cm-content"],
  ["the workshop banner (loaded for a workshop's run)", "watched-banner"],
  ["the dev preview of `circus dev`", "dev-reload-badge"],
];
/**
 * The player page's scripts (gzip level 6) until its terminal is connected, besides the WebGL renderer: its own
 * client entry (player-entry/), React DOM ~62, xterm.js ~88, the player ~20, no Next.js client runtime,
 * measured 173. The target is 200.
 */
const PLAYER_SCRIPTS_BUDGET_KIB = 200;

test("the player page's first scripts leave out the parts loaded when used, within the size budget", async ({
  page,
  browser,
}) => {
  const runId = await startScenario(page, SCENARIO);
  runs.push({ page, runId });
  // A fresh context (the learner's cookies, an empty cache) loads the player page alone.
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    const player = await fresh.newPage();
    const scripts = new Map<string, Promise<Buffer>>();
    // React says so in the console when the client's tree differs from the server's HTML.
    const hydrationErrors: string[] = [];
    player.on("console", (message) => {
      if (/Minified React error|hydrat/i.test(message.text())) hydrationErrors.push(message.text());
    });
    player.on("pageerror", (error) => hydrationErrors.push(error.message));
    player.on("response", (response) => {
      if (response.request().resourceType() === "script") scripts.set(response.url(), response.body());
    });
    await player.goto(`/runs/${encodeURIComponent(runId)}`);
    await waitConnected(player, "node1");
    await expect(screen(player, "node1")).toContainText(/root@\S*:\S*\s?[#$]/);
    await player.waitForLoadState("networkidle");

    const loaded = await Promise.all(
      [...scripts].map(async ([url, body]) => ({ url, text: (await body).toString("utf8"), body: await body })),
    );
    expect(loaded.length).toBeGreaterThan(0);
    // The page is hydrated by its own entry: none of Next's client runtime (its chunks, __NEXT_DATA__) loads.
    const nextRuntime = loaded.map((script) => script.url).filter((url) => url.includes("/_next/static/chunks/"));
    expect(nextRuntime, "Next.js's client runtime is loaded on the player page").toEqual([]);
    expect(loaded.some((script) => script.url.includes("/_next/static/circus-player/player-"))).toBe(true);
    await expect(player.locator("script#__NEXT_DATA__")).toHaveCount(0);
    expect(hydrationErrors, "errors while the player's entry hydrated the page").toEqual([]);
    // The header, hydrated by the same entry: the theme toggle applies the theme at once.
    await player.getByRole("button", { name: "Theme: system" }).click();
    await expect(player.locator("html")).toHaveAttribute("data-theme", "dark");
    await expect(player.getByRole("button", { name: "Theme: dark" })).toBeVisible();
    for (const [part, marker] of LAZY_PARTS) {
      const carriers = loaded.filter((script) => script.text.includes(marker)).map((script) => script.url);
      expect(carriers, `${part} is in the player page's first scripts`).toEqual([]);
    }
    // The WebGL renderer loads after the first output (the only script asking for a "webgl2" context).
    const first = loaded.filter((script) => !script.text.includes('"webgl2"'));
    const kib = first.reduce((sum, script) => sum + gzipSync(script.body, { level: 6 }).length, 0) / 1024;
    expect(kib, "the player page's scripts before the WebGL renderer, KiB gzip").toBeLessThanOrEqual(
      PLAYER_SCRIPTS_BUDGET_KIB,
    );
  } finally {
    await fresh.close();
  }
});
