// How the player specs drive the player: start a scenario from its page, find a terminal, type into it,
// read what it shows (xterm's accessibility tree mirrors the screen as text), stop the run.
import { request as httpRequest } from "node:http";
import { type BrowserContext, expect, type Locator, type Page } from "@playwright/test";

/** Opens the scenario's page, presses Start and waits for the first terminal to connect. */
/**
 * `documentLoad`: once Start has navigated (client-side, Next's runtime renders the player), the player page is
 * loaded again as a document, so the test goes on with the player hydrated by its own client entry.
 */
export async function startScenario(
  page: Page,
  scenarioId: string,
  options: { documentLoad?: boolean } = {},
): Promise<string> {
  await page.goto(`/scenarios/${scenarioId}`);
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  const runId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  if (options.documentLoad) {
    await expect(page.locator(".terminal").first()).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
    await page.goto(`/runs/${encodeURIComponent(runId)}`);
    await expect(page.locator("script#__NEXT_DATA__")).toHaveCount(0);
  }
  await expect(page.locator(".terminal").first()).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
  return runId;
}

export function terminal(page: Page, terminalId: string): Locator {
  return page.locator(`.terminal[data-terminal-id="${terminalId}"]`);
}

/** The text on a terminal's screen. */
export function screen(page: Page, terminalId: string): Locator {
  return terminal(page, terminalId).locator(".xterm-accessibility-tree");
}

export async function waitConnected(page: Page, terminalId: string): Promise<void> {
  await expect(terminal(page, terminalId)).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
}

/** Clicks into the terminal and types a command, then Enter. */
export async function typeCommand(page: Page, terminalId: string, command: string): Promise<void> {
  await waitConnected(page, terminalId);
  await terminal(page, terminalId).click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

/** Stops a run through the API, as the page's Stop button does (cleanup: its environment goes). */
export async function stopRun(page: Page, runId: string): Promise<void> {
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === "circus_csrf")?.value ?? "";
  const origin = new URL(page.url()).origin;
  await page.request.post(`/api/runs/${encodeURIComponent(runId)}/stop`, {
    headers: { "x-circus-csrf": csrf, origin },
    data: {},
  });
}

/** Attempts a terminal WebSocket upgrade over raw HTTP; resolves with the status (101 when accepted). */
export async function upgradeStatus(
  baseURL: string,
  path: string,
  headers: { cookie?: string; origin?: string } = {},
): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseURL), {
      headers: {
        ...headers,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    req.on("upgrade", (_response, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
    req.end();
  });
}

export async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

/** Collects Content-Security-Policy violations the page reports in its console. */
export function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (apply|execute|load)/i.test(message.text()))
      violations.push(message.text());
  });
  return violations;
}
