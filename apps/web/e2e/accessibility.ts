// How the accessibility specs measure a page: axe-core (WCAG 2.0-2.2 A and AA rules) in both colour
// schemes, failing on serious and critical violations; reflow at 320 CSS px and text at 200%; and
// keyboard-only moves that press Tab until a control has the focus (no mouse, no element.focus()).
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/**
 * Runs axe on the page as it is now, in the light then the dark scheme; fails on serious or critical.
 * `within` limits it to the part that changed since a whole-page pass of the same page (faster).
 */
export async function expectAccessible(page: Page, state: string, within?: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    // Right after a switch, axe has now and then read a subtree's text in the previous scheme's colour
    // (light text on the dark background; correct a moment later, never reproduced by reading the
    // styles directly). What persists is real: a pass that finds something runs once more after a
    // pause, and that one counts.
    let blocking = await seriousViolations(page, colorScheme, within);
    if (blocking.length > 0) {
      await page.waitForTimeout(1000);
      blocking = await seriousViolations(page, colorScheme, within);
    }
    expect(blocking, `axe on ${state} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}

async function seriousViolations(page: Page, colorScheme: "light" | "dark", within: string | undefined) {
  // Let the page restyle for the scheme (two frames) before axe reads its colours.
  await page.waitForFunction(
    (scheme) =>
      window.matchMedia(`(prefers-color-scheme: ${scheme})`).matches &&
      new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))),
    colorScheme,
  );
  const builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  const results = await (within ? builder.include(within) : builder).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
    }));
}

/** Nothing scrolls sideways at 320 CSS px wide (WCAG 1.4.10), nor at 1280 px with the text at 200% (1.4.4). */
export async function expectReflows(page: Page, state: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const overflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  try {
    await page.setViewportSize({ width: 320, height: 640 });
    await expect.poll(overflow, { message: `${state} at 320 px` }).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.evaluate(() => document.documentElement.style.setProperty("font-size", "200%"));
    await expect.poll(overflow, { message: `${state} with text at 200%` }).toBeLessThanOrEqual(0);
  } finally {
    await page.evaluate(() => document.documentElement.style.removeProperty("font-size"));
    await page.setViewportSize(size);
  }
}

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === document.activeElement).catch(() => false);
}

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails when it never gets it. */
export async function tabTo(
  page: Page,
  target: Locator,
  { backwards = false, max = 80 }: { backwards?: boolean; max?: number } = {},
): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  expect(await isFocused(target), `Tab reaches ${target}`).toBe(true);
}

/** Tabs to `target` and presses Enter on it. */
export async function activate(page: Page, target: Locator, options?: { backwards?: boolean }): Promise<void> {
  await tabTo(page, target, options);
  await page.keyboard.press("Enter");
}

export async function expectFocused(target: Locator): Promise<void> {
  await expect.poll(() => isFocused(target)).toBe(true);
}
