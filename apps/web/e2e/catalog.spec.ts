// The catalog and scenario pages in a real browser against the production server: listing, search
// and filters through the URL (without JavaScript too), the scenario page, 404s, headers and probes.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { upgradeStatus } from "./player-page";
import { REPO_SCENARIOS_DIR } from "./scenario-dirs";

/** Scenario folders the catalog should list from the repository (the loader's own rule: an entry file). */
function countScenarioFolders(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (existsSync(join(dir, "scenario.md")) || existsSync(join(dir, "index.json"))) return 1;
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules")
    .reduce((sum, entry) => sum + countScenarioFolders(join(dir, entry.name)), 0);
}

/** The four valid fixtures in e2e/fixtures/scenarios; the broken one must stay out. */
const VALID_FIXTURES = 4;
// Cards sit in one list per talk (the catalog groups scenarios by the talk they come from).
const cards = (page: Page) => page.locator("section.talk-group").getByRole("listitem").getByRole("article");

test("the catalog lists the repository's scenarios and the valid fixtures, never the broken one", async ({
  page,
}, testInfo) => {
  const expected = countScenarioFolders(REPO_SCENARIOS_DIR) + VALID_FIXTURES;
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Scenarios" })).toBeVisible();
  await expect(cards(page)).toHaveCount(expected);
  await expect(page.getByRole("status")).toHaveText(`${expected} scenarios`);
  await expect(page.getByText("Broken fixture that must not be listed")).toHaveCount(0);

  const katacoda = cards(page).filter({ hasText: "Zirconium KataCoda fixture" });
  await expect(katacoda.getByText("KataCoda", { exact: true })).toBeVisible();
  const native = cards(page).filter({ hasText: "Zirconium native fixture" });
  await expect(native.getByText("KataCoda", { exact: true })).toHaveCount(0);
  // A Killercoda scenario is labelled as such, and its Kubernetes cluster is said to be unavailable.
  const killercoda = cards(page).filter({ hasText: "Zirconium Killercoda fixture" });
  await expect(killercoda.getByText("Killercoda", { exact: true })).toBeVisible();
  await expect(killercoda.getByText("KataCoda", { exact: true })).toHaveCount(0);
  await expect(killercoda).toContainText("Kubernetes cluster is not available on this deployment");
  await expect(katacoda).not.toContainText("not available on this deployment");
  await expect(native).toContainText("Advanced");
  await expect(native).toContainText("5 min");
  await expect(native.getByRole("link", { name: "e2e-fixture" })).toBeVisible();

  // Scenarios drawn from the same talk are grouped under its heading; the rest come last.
  const meshGroup = page.locator('section[data-talk="talk:weave-mesh"]');
  await expect(meshGroup.getByRole("heading", { name: "From the talk: Weave Mesh" })).toBeVisible();
  await expect(meshGroup.getByRole("article")).toContainText("Weave Mesh");
  await expect(page.locator("section.talk-group").last()).toHaveAttribute("data-talk", "none");

  await page.screenshot({ path: testInfo.outputPath("catalog.png"), fullPage: true });
  await testInfo.attach("catalog", { path: testInfo.outputPath("catalog.png"), contentType: "image/png" });
});

test.describe("search and filters work as a plain GET form, without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search narrows the list and the query lands in the URL", async ({ page }) => {
    await page.goto("/");
    const total = await cards(page).count();
    await page.getByRole("searchbox", { name: "Search" }).fill("zirconium native");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]q=zirconium\+native/);
    await expect(cards(page)).toHaveCount(1);
    await expect(cards(page).first()).toContainText("Zirconium native fixture");
    await expect(page.getByRole("status")).toHaveText(`1 of ${total} scenarios`);
  });

  test("tag and difficulty filters narrow the list and combine", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("combobox", { name: "Tag" }).selectOption("e2e-fixture");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]tag=e2e-fixture/);
    await expect(cards(page)).toHaveCount(1);

    await page.goto("/?difficulty=beginner");
    await expect(page.getByRole("combobox", { name: "Difficulty" })).toHaveValue("beginner");
    await expect(cards(page).filter({ hasText: "Zirconium KataCoda fixture" })).toHaveCount(1);
    await expect(cards(page).filter({ hasText: "Zirconium native fixture" })).toHaveCount(0);
    for (const card of await cards(page).all()) await expect(card).toContainText("Beginner");

    await page.goto("/?tag=e2e-fixture&difficulty=beginner");
    await expect(cards(page)).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "No scenarios found" })).toBeVisible();
    await page.getByRole("link", { name: "Clear" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("an empty result shows the empty state", async ({ page }) => {
    await page.goto("/?q=no-scenario-is-called-this");
    await expect(cards(page)).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "No scenarios found" })).toBeVisible();
  });
});

test("a scenario page shows its meta, rendered intro and steps, and a Start button", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/");
  await page.getByRole("link", { name: "Zirconium native fixture" }).click();
  await expect(page).toHaveURL(/\/scenarios\/zirconium-native$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Zirconium native fixture");
  await expect(page).toHaveTitle("Zirconium native fixture · Circus");
  const intro = page.getByTestId("intro");
  await expect(intro.locator("strong")).toHaveText("rendered from markdown");
  await expect(intro.getByRole("listitem")).toHaveText(["first point", "second point"]);
  await expect(page.getByRole("region", { name: "Steps" }).getByRole("listitem")).toHaveText([
    "Look around the fixture",
    "Clean up the fixture",
  ]);
  await expect(page.getByRole("button", { name: "Start" })).toBeEnabled();
  // Next's own scripts ran under the nonce-based CSP, and nothing was blocked.
  await expect.poll(() => page.evaluate(() => "next" in window)).toBe(true);
  expect(violations).toEqual([]);
});

test("every listed scenario has a working page", async ({ page, request }) => {
  await page.goto("/");
  const hrefs = await cards(page)
    .getByRole("heading", { level: 2 })
    .getByRole("link")
    .evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) {
    const response = await request.get(href);
    expect(response.status(), href).toBe(200);
    expect(await response.text(), href).toContain('data-testid="intro"');
  }
});

test("unknown scenarios and pages answer 404 with the not-found page", async ({ page }) => {
  const response = await page.goto("/scenarios/broken-front-matter");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect((await page.goto("/no/such/page"))?.status()).toBe(404);
});

test("responses carry the security headers and a per-request CSP nonce", async ({ request }) => {
  const first = await request.get("/");
  const headers = first.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(await first.text()).toContain(`nonce="${nonce}"`);
  const second = await request.get("/");
  expect(second.headers()["content-security-policy"]).not.toBe(csp);
  expect(headers["x-powered-by"]).toBeUndefined();
});

test("the server answers its probes itself", async ({ request }) => {
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(await health.text()).toBe("ok");
  expect((await request.get("/readyz")).status()).toBe(200);
});

test("WebSocket upgrades: /ws/ is reserved (404), other paths are refused in production", async ({ baseURL }) => {
  expect(await upgradeStatus(baseURL!, "/ws/terminal/1")).toBe(404);
  expect(await upgradeStatus(baseURL!, "/_next/hmr")).toBe(400);
});

test("a scenario whose Kubernetes cluster cannot run here says so beside Start", async ({ page }) => {
  await page.goto("/scenarios/zirconium-killercoda");
  await expect(page.getByRole("button", { name: "Start" })).toBeVisible();
  await expect(page.locator("#start-note")).toContainText(
    "This scenario's Kubernetes cluster is not available on this deployment",
  );
  await page.goto("/scenarios/zirconium-katacoda");
  await expect(page.locator("#start-note")).not.toContainText("not available");
});
