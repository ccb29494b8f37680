// The player in a real browser (Debian's Chromium through Playwright): click Start to a prompt on screen,
// timed inside the page, and the JavaScript the player page loads, from the browser's network log.
import { gzipSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  // xterm.js then uses its DOM renderer (the app's own fallback), whose rows are the painted text: the
  // WebGL canvas has none, and the accessibility tree mirrors the screen only ~350 ms later.
  "--disable-webgl",
];
const PROMPT_TIMEOUT_MS = 60_000;
/** Records in `window.benchProbe` when Start is clicked and when the first terminal shows its prompt. */
const INSTALL_CLICK_PROBE = `(() => {
  const probe = { clickedAt: 0, startAnsweredAt: 0, navigatedAt: 0, socketAt: 0, connectedAt: 0, promptAt: 0, screenReaderAt: 0, runPolls: 0 };
  window.benchProbe = probe;
  document.addEventListener("click", () => { probe.clickedAt = performance.now(); }, { capture: true, once: true });
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      if (!probe.socketAt) probe.socketAt = performance.now();
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (/\\/api\\/runs\\/[^/]+$/.test(entry.name)) probe.runPolls += 1;
      if (/\\/api\\/runs$/.test(entry.name) && !probe.startAnsweredAt) probe.startAnsweredAt = entry.responseEnd;
    }
  }).observe({ type: "resource" });
  const observer = new MutationObserver(() => {
    if (!probe.clickedAt) return;
    if (!probe.navigatedAt && location.pathname.startsWith("/runs/")) probe.navigatedAt = performance.now();
    const terminal = document.querySelector('.terminal[data-status="connected"]');
    if (!terminal) return;
    if (!probe.connectedAt) probe.connectedAt = performance.now();
    const prompt = /root@\\S*:\\S*\\s?[#$]/;
    const painted = terminal.querySelector(".xterm-rows")?.textContent ?? "";
    if (!probe.promptAt && prompt.test(painted)) probe.promptAt = performance.now();
    const mirrored = terminal.querySelector(".xterm-accessibility-tree")?.textContent ?? "";
    if (!probe.screenReaderAt && prompt.test(mirrored)) probe.screenReaderAt = performance.now();
    if (probe.promptAt && probe.screenReaderAt) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;

/** The screen of a connected terminal that shows a prompt. */
function promptOnScreen(page: Page) {
  return page
    .locator('.terminal[data-status="connected"] .xterm-accessibility-tree')
    .filter({ hasText: /root@\S*:\S*\s?[#$]/ })
    .first();
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** What the in-page probe records (performance.now() instants; 0 until they happen). */
interface ClickProbe {
  clickedAt: number;
  /** POST /api/runs answered (Resource Timing's responseEnd). */
  startAnsweredAt: number;
  /** The URL became /runs/<id> (client-side navigation). */
  navigatedAt: number;
  /** The terminal's WebSocket was created (xterm.js loaded by then). */
  socketAt: number;
  /** The terminal element said data-status="connected" (the server's hello came). */
  connectedAt: number;
  /** The prompt is in the terminal's painted rows. */
  promptAt: number;
  /** The prompt is in the accessibility tree (what a screen reader, and Playwright's text queries, see). */
  screenReaderAt: number;
  /** GET /api/runs/<id> answers seen (the player polls while the run is starting). */
  runPolls: number;
}

/** One click-to-prompt sample and its phases, in ms from the click. */
export interface ClickSample {
  ms: number;
  runId: string;
  phases: {
    startAnswered: number;
    navigated: number;
    socket: number;
    connected: number;
    screenReader: number;
    runPolls: number;
  };
}

/**
 * On the scenario page: click Start, then until the first terminal has `data-status="connected"` and its
 * painted rows show the prompt (also timed: until xterm's accessibility tree shows it). Both instants are taken in the page
 * (performance.now(); a MutationObserver, which survives the client-side navigation to /runs/<id>).
 * Returns the milliseconds and the run id.
 */
export async function clickToPrompt(page: Page, origin: string, scenarioId: string): Promise<ClickSample> {
  await page.goto(`${origin}/scenarios/${encodeURIComponent(scenarioId)}`);
  const start = page.getByRole("button", { name: "Start" });
  await start.waitFor();
  // A string, not a function: tsx would wrap the inner functions in a helper the page does not have.
  await page.evaluate(INSTALL_CLICK_PROBE);
  await start.click();
  // Playwright's click waits for the button to be enabled (hydrated) first; the page times the click itself.
  // A function, not a string: the page's CSP refuses eval. No inner functions, which tsx would rename.
  await page.waitForFunction(
    () => (globalThis as unknown as { benchProbe: ClickProbe }).benchProbe.screenReaderAt > 0,
    null,
    {
      timeout: PROMPT_TIMEOUT_MS,
    },
  );
  const probe = (await page.evaluate("window.benchProbe")) as ClickProbe;
  const runId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  const since = (at: number) => Math.round(at - probe.clickedAt);
  return {
    ms: probe.promptAt - probe.clickedAt,
    runId,
    phases: {
      startAnswered: since(probe.startAnsweredAt),
      navigated: since(probe.navigatedAt),
      socket: since(probe.socketAt),
      connected: since(probe.connectedAt),
      screenReader: since(probe.screenReaderAt),
      runPolls: probe.runPolls,
    },
  };
}

/** Stops a run through the API as the page's Stop button does (the CSRF cookie as header, the Origin). */
export async function stopRunFromBrowser(context: BrowserContext, origin: string, runId: string): Promise<void> {
  const csrf = (await context.cookies(origin)).find((cookie) => cookie.name === "circus_csrf")?.value ?? "";
  const response = await context.request.post(`${origin}/api/runs/${encodeURIComponent(runId)}/stop`, {
    headers: { "x-circus-csrf": csrf, origin },
    data: {},
  });
  if (!response.ok()) throw new Error(`stopping run ${runId} answered ${response.status()}`);
}

/** One script the player page fetched: its URL path and gzip size. */
export interface PlayerScript {
  path: string;
  gzipBytes: number;
}

/** The player page's scripts: those fetched before its first prompt was on screen, and those after. */
export interface PlayerScripts {
  beforePrompt: PlayerScript[];
  afterPrompt: PlayerScript[];
}

/** Records in `window.promptProbe` when the first terminal's painted rows show a prompt (page time). */
const PROMPT_PROBE = `(() => {
  const probe = { promptAt: 0 };
  window.promptProbe = probe;
  const observer = new MutationObserver(() => {
    const painted = document.querySelector('.terminal[data-status="connected"] .xterm-rows')?.textContent ?? "";
    if (/root@\\S*:\\S*\\s?[#$]/.test(painted)) {
      probe.promptAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;

/**
 * Loads /runs/<id> in a fresh browser context (the learner's cookies, an empty cache: nothing comes from
 * the earlier samples' cache), waits for its prompt and then for the network to go idle, and sorts every
 * script the page fetched by whether its response had ended (Resource Timing) before the prompt was
 * painted. Sizes are gzip level 6 of the bodies, as a server compresses.
 */
export async function playerScripts(
  browser: Browser,
  learner: BrowserContext,
  origin: string,
  runId: string,
): Promise<PlayerScripts> {
  const context = await browser.newContext({ storageState: await learner.storageState() });
  const page = await context.newPage();
  const bodies = new Map<string, Promise<Buffer>>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") bodies.set(response.url(), response.body());
  });
  try {
    await page.addInitScript(PROMPT_PROBE);
    await page.goto(`${origin}/runs/${encodeURIComponent(runId)}`);
    await promptOnScreen(page).waitFor({ timeout: PROMPT_TIMEOUT_MS });
    await page.waitForLoadState("networkidle");
    // A function, not a string: the page's CSP refuses eval.
    const timing = await page.evaluate(() => ({
      promptAt: (globalThis as unknown as { promptProbe: { promptAt: number } }).promptProbe.promptAt,
      ends: performance
        .getEntriesByType("resource")
        .map((entry) => [entry.name, (entry as unknown as { responseEnd: number }).responseEnd] as const),
    }));
    if (!(timing.promptAt > 0)) throw new Error("the player page's prompt probe saw no prompt");
    const endOf = new Map(timing.ends);
    const scripts = await Promise.all(
      [...bodies].map(async ([url, body]) => ({
        path: new URL(url).pathname,
        gzipBytes: gzipSync(await body, { level: 6 }).length,
        // A script Resource Timing does not list is counted before the prompt.
        before: (endOf.get(url) ?? 0) <= timing.promptAt,
      })),
    );
    scripts.sort((a, b) => b.gzipBytes - a.gzipBytes);
    const pick = (before: boolean) =>
      scripts.filter((script) => script.before === before).map(({ path, gzipBytes }) => ({ path, gzipBytes }));
    return { beforePrompt: pick(true), afterPrompt: pick(false) };
  } finally {
    await context.close();
  }
}
