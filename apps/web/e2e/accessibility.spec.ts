// Accessibility, measured in a real browser against the real server, engine and database: axe-core on
// every page and state in both colour schemes (serious or critical violations fail), reflow at 320 px
// and text at 200%, a keyboard-only learner who completes a scenario in screen reader mode (its output
// reaches the accessibility tree), and a keyboard-only instructor who runs a workshop. One run per
// journey is reused across its states to keep CI short.
import { expect, type Page, test } from "@playwright/test";
import { activate, expectAccessible, expectFocused, expectReflows, tabTo } from "./accessibility";
import { E2E_SETUP_TOKEN } from "./e2e-run";
import { stopRun, terminal } from "./player-page";

test.describe.configure({ timeout: 300_000 });

const SCENARIO_TITLE = "Circus basics: your first sandbox";
/** The same admin as workshop.spec.ts, which signs in when this spec created it first. */
const ADMIN = { name: "Ada Admin", email: "admin@e2e.circus.test", password: "correct horse battery staple" };

const runs: Array<{ page: Page; runId: string }> = [];
test.afterEach(async () => {
  for (const { page, runId } of runs.splice(0)) await stopRun(page, runId).catch(() => undefined);
});

const execBlock = (page: Page, text: RegExp) =>
  page.locator('.step-content [data-circus-action="exec"]').filter({ hasText: text }).first();
const terminalInput = (page: Page, terminalId: string) => terminal(page, terminalId).locator("textarea");
const outputLog = (page: Page, title: string) => page.getByRole("log", { name: `New output of ${title}` });
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

/** Keyboard only: into the terminal, a command, then Shift+Escape out again (focus lands on its tab). */
async function typeInTerminal(page: Page, terminalId: string, command: string): Promise<void> {
  await tabTo(page, terminalInput(page, terminalId));
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Escape");
  await expectFocused(page.getByRole("tab", { name: terminalId, exact: true }));
}

test("pages without a run pass axe in both schemes, reflow at 320 px and zoom to 200%", async ({ page }) => {
  for (const [path, heading] of [
    ["/", "Scenarios"],
    ["/scenarios/circus-basics", SCENARIO_TITLE],
    ["/join", "Join a workshop"],
    ["/instructor/sign-in", "Instructor sign-in"],
    ["/no-such-page", "Page not found"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page, path);
    await expectReflows(page, path);
  }

  await test.step("a skip link and the keyboard help dialog (?)", async () => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    await expectFocused(page.getByRole("link", { name: "Skip to content" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help).toBeVisible();
    await expect(help).toContainText("Shift+Escape");
    await expectAccessible(page, "keyboard help", "dialog");
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();
    // Typing ? into a field types it, it does not open the dialog.
    await tabTo(page, page.getByRole("searchbox", { name: "Search" }));
    await page.keyboard.type("?");
    await expect(help).toBeHidden();
    await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("?");
  });
});

test("keyboard only, in screen reader mode: a scenario from the catalog to the finish page", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/");
  // As a keyboard user finds one scenario among many: the search box, then its card's link.
  await tabTo(page, page.getByRole("searchbox", { name: "Search" }));
  await page.keyboard.type(SCENARIO_TITLE);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=/);
  await activate(page, page.getByRole("link", { name: SCENARIO_TITLE }));
  await expect(page.getByRole("heading", { level: 1, name: SCENARIO_TITLE })).toBeVisible();
  await activate(page, button(page, "Start"));
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  const runId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  runs.push({ page, runId });
  await expect(terminal(page, "node1")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
  await expect(page.locator("[data-step-ready=true]")).toBeVisible();
  // Less motion asked for: the cursor does not blink.
  await expect(terminal(page, "node1")).toHaveAttribute("data-cursor-blink", "false");
  await expectAccessible(page, "player with a terminal");
  await expectReflows(page, "player");

  await test.step("Extend is announced; Stop's confirmation takes and gives back the focus", async () => {
    await activate(page, button(page, "Extend"));
    await expect(page.getByTestId("time-left-status")).toHaveText(/^Extended: (\d+:)?\d+:\d\d left\.$/);
    await activate(page, button(page, "Stop"));
    await expectFocused(button(page, "Stop now"));
    await activate(page, button(page, "Keep going"));
    await expectFocused(button(page, "Stop"));
  });

  await test.step("screen reader mode is remembered and announces new output politely", async () => {
    const toggle = page.getByTestId("screen-reader-mode");
    await activate(page, toggle, { backwards: true });
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await page.reload();
    await expect(page.getByTestId("screen-reader-mode")).toHaveAttribute("aria-pressed", "true");
    await expect(terminal(page, "node1")).toHaveAttribute("data-status", "connected", { timeout: 60_000 });
    const log = outputLog(page, "node1");
    await expect(log).toHaveAttribute("aria-live", "polite");
    // xterm's own live region, which reads every character assertively, is quiet in this mode.
    await expect(terminal(page, "node1").locator(".live-region")).toHaveAttribute("aria-live", "off");
    // The connection state is a status message too (it says "Disconnected, reconnecting…" when it drops).
    await expect(page.getByRole("status").filter({ hasText: /^Connected$/ })).toBeVisible();

    // A command block says what it types and where; focus stays on it; its result is announced.
    const listRoot = execBlock(page, /^\s*ls \/\s*$/);
    await expect(listRoot).toHaveAccessibleName("Run in node1: ls /");
    await activate(page, listRoot);
    await expect(page.locator(".toast")).toHaveText("Typed into node1: ls /");
    await expectFocused(listRoot);
    await expect(log).toContainText("boot");
    expect(await log.ariaSnapshot()).toContain("boot");

    // Long output is summarised, and the transcript has all of it, searchable.
    await typeInTerminal(page, "node1", "seq 1 300");
    await expect(log).toContainText(/\d+ lines of output, ending with: 300\. Open the transcript/);
    await activate(page, button(page, "Transcript"));
    const transcript = page.getByTestId("transcript");
    await expect(transcript.getByRole("region", { name: "Output of node1" })).toContainText("\n150\n");
    await tabTo(page, transcript.getByLabel("Find"));
    await page.keyboard.type("29");
    await expect(transcript.locator("pre")).toHaveText(/^(.*29.*\n?)+$/);
    await expect(transcript.getByRole("status")).toHaveText(/^\d+ of \d+ lines match\.$/);
    await expectAccessible(page, "player with the transcript", '[data-testid="transcript"]');
    await activate(page, button(page, "Close transcript"));
    await expectFocused(button(page, "Transcript"));
  });

  await test.step("a failed check, then a passed one, announced", async () => {
    await activate(page, button(page, "Check"), { backwards: true });
    const result = page.locator(".check-result");
    await expect(result).toHaveAttribute("role", "status");
    await expect(result).toContainText("There is no ~/hostname.txt yet");
    await expectAccessible(page, "check failed, in screen reader mode");
    await activate(page, execBlock(page, /hostname > ~\/hostname\.txt/), { backwards: true });
    await typeInTerminal(page, "node1", "echo fixed-$((40+2))");
    await expect(outputLog(page, "node1")).toContainText("fixed-42");
    await activate(page, button(page, "Check"), { backwards: true });
    await expect(result).toContainText("Check passed");
    await expectAccessible(page, "check passed", ".step");
    await activate(page, button(page, "Next"));
    // The Next button went with its step: focus moves to the new step's heading.
    await expectFocused(page.getByRole("heading", { level: 2, name: "Write a file" }));
  });

  await test.step("the solution, tool tabs by arrow keys and the split pane by keyboard", async () => {
    await activate(page, button(page, "Show solution"));
    await expect(page.getByRole("region", { name: "Solution" })).toBeVisible();
    const separator = page.getByRole("separator", { name: "Resize the instructions and the tools" });
    await tabTo(page, separator);
    await page.keyboard.press("ArrowRight");
    await expect(separator).toHaveAttribute("aria-valuenow", "42");
    await tabTo(page, page.getByRole("tab", { name: "node1", exact: true }));
    await page.keyboard.press("End");
    await expectFocused(page.getByRole("tab", { selected: true }));
    await activate(page, execBlock(page, /mkdir -p ~\/circus/), { backwards: true });
    await typeInTerminal(page, "node1", "echo wrote-$((40+2))");
    await expect(outputLog(page, "node1")).toContainText("wrote-42");
    await activate(page, button(page, "Check"), { backwards: true });
    await expect(page.locator(".check-result")).toContainText("Check passed");
    await activate(page, button(page, "Next"));
    await expectFocused(page.getByRole("heading", { level: 2, name: "Check what you learned" }));
  });

  await test.step("the quiz by keyboard", async () => {
    const quiz = page.getByRole("form", { name: "Quiz" });
    await tabTo(page, quiz.getByRole("radio", { name: "whoami" }));
    await page.keyboard.press("ArrowDown");
    await expect(quiz.getByRole("radio", { name: "hostname" })).toBeChecked();
    for (const name of ["echo", "cat"]) {
      await tabTo(page, quiz.getByRole("checkbox", { name }));
      await page.keyboard.press("Space");
    }
    await tabTo(page, quiz.getByRole("textbox"));
    await page.keyboard.type("Hello, Circus");
    await expectAccessible(page, "quiz", ".step");
    await page.keyboard.press("Enter");
    await expect(quiz.getByRole("status")).toHaveText("All answers are correct.");
    await activate(page, button(page, "Finish"));
  });

  await expect(page).toHaveURL(new RegExp(`/runs/${runId}/finish$`));
  await expect(page.getByTestId("steps-done")).toHaveText("3 of 3");
  await expectAccessible(page, "finish");
});

test("keyboard only: an instructor runs a workshop that a learner joins", async ({ browser }) => {
  const teacher = await (await browser.newContext()).newPage();
  const learner = await (await browser.newContext()).newPage();
  try {
    await teacher.goto("/instructor");
    const fresh = teacher.url().endsWith("/instructor/sign-up");
    await expectAccessible(teacher, fresh ? "instructor sign-up" : "instructor sign-in");
    if (fresh) {
      await tabTo(teacher, teacher.getByLabel("Name"));
      await teacher.keyboard.type(ADMIN.name);
    }
    await tabTo(teacher, teacher.getByLabel("Email"));
    await teacher.keyboard.type(ADMIN.email);
    await tabTo(teacher, teacher.getByLabel("Password"));
    await teacher.keyboard.type(ADMIN.password);
    if (fresh) {
      // The first account claims the server with its one-time setup token.
      await tabTo(teacher, teacher.getByLabel("Setup token"));
      await teacher.keyboard.type(E2E_SETUP_TOKEN);
    }
    await teacher.keyboard.press("Enter");
    await expect(teacher.getByRole("heading", { level: 1, name: "Your workshops" })).toBeVisible();

    await activate(teacher, teacher.getByRole("link", { name: "New workshop" }));
    await tabTo(teacher, teacher.getByLabel("Title"));
    await teacher.keyboard.type("Keyboard workshop");
    await tabTo(teacher, teacher.getByLabel("Scenario from the catalog"));
    await teacher.keyboard.type("Circus basics");
    await activate(teacher, teacher.getByRole("button", { name: "Add scenario" }));
    await expect(teacher.getByRole("list", { name: "Chosen scenarios" })).toContainText(SCENARIO_TITLE);
    await tabTo(teacher, teacher.getByLabel("Capacity (learners)"));
    await teacher.keyboard.press("ControlOrMeta+a");
    await teacher.keyboard.type("1");
    await expectAccessible(teacher, "new workshop form");
    await activate(teacher, teacher.getByRole("button", { name: "Create workshop" }));
    await expect(teacher.getByRole("heading", { level: 1, name: "Keyboard workshop" })).toBeVisible();
    const console_ = teacher.locator(".workshop-console");
    await expect(console_).toHaveAttribute("data-status", "live");
    const code = (await teacher.getByTestId("join-code").getAttribute("data-code")) ?? "";

    await learner.goto("/join");
    await tabTo(learner, learner.getByLabel("Workshop code"));
    await learner.keyboard.type(code);
    await tabTo(learner, learner.getByLabel("Your name"));
    await learner.keyboard.type("Kim");
    await expectAccessible(learner, "join form");
    await learner.keyboard.press("Enter");
    await expect(learner.getByTestId("participant-name")).toHaveText("Kim");
    await expectAccessible(learner, "workshop page");
    await activate(learner, learner.getByRole("button", { name: `Start ${SCENARIO_TITLE}` }));
    await expect(terminal(learner, "node1")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
    await typeInTerminal(learner, "node1", "echo kim-$((40+2))");

    const row = teacher.locator('tr[data-learner="Kim"]');
    await expect(row).toHaveAttribute("data-status", "ready");
    await expectAccessible(teacher, "dashboard with a learner");
    await activate(teacher, row.getByRole("button", { name: "Watch terminal of Kim" }));
    const observed = teacher.locator('.terminal[data-observer="true"]');
    await expect(observed).toHaveAttribute("data-status", "connected");
    await expectAccessible(teacher, "dashboard watching a terminal", ".observer");
    // The read-only terminal lets Tab go on: no keyboard trap.
    const observedInput = observed.locator("textarea");
    await tabTo(teacher, observedInput);
    await teacher.keyboard.press("Tab");
    await expect.poll(() => observedInput.evaluate((element) => element === document.activeElement)).toBe(false);
    await activate(teacher, teacher.getByRole("button", { name: "Stop watching" }), { backwards: true });

    await tabTo(teacher, teacher.getByLabel("Message to everyone"));
    await teacher.keyboard.type("Hello from the keyboard");
    await activate(teacher, teacher.getByRole("button", { name: "Send" }));
    await expect(learner.getByTestId("workshop-message")).toHaveText("Hello from the keyboard");

    await activate(teacher, teacher.getByRole("button", { name: "End workshop" }));
    await activate(teacher, teacher.getByRole("button", { name: "Yes, end it now" }));
    await expect(console_).toHaveAttribute("data-status", "ended");
    await expect(learner).toHaveURL(/\/ended$/);
    await expectAccessible(learner, "workshop ended");
  } finally {
    await teacher.context().close();
    await learner.context().close();
  }
});

test("keyboard only: host tabs, the editor and a port preview of a two-host scenario", async ({ page }) => {
  await page.goto("/scenarios/two-hosts");
  await activate(page, button(page, "Start"));
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  runs.push({ page, runId: decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "") });
  await expect(terminal(page, "node1")).toHaveAttribute("data-status", "connected", { timeout: 90_000 });
  await activate(page, execBlock(page, /python3 -m http\.server 8000/));
  await expect(page.getByRole("tab", { name: "node2", exact: true })).toHaveAttribute("aria-selected", "true");

  // Out of the mode, the command block sends the focus into the terminal; Shift+Escape leaves it.
  await expectFocused(terminalInput(page, "node2"));
  await page.keyboard.press("Shift+Escape");
  await expectFocused(page.getByRole("tab", { name: "node2", exact: true }));
  // Arrow keys move along the tabs: node2 → Editor.
  await page.keyboard.press("ArrowRight");
  const editorTab = page.getByRole("tab", { name: "Editor" });
  await expect(editorTab).toHaveAttribute("aria-selected", "true");
  await expectFocused(editorTab);
  const editor = page.locator(".editor .cm-content");
  await tabTo(page, editor);
  await page.keyboard.type("typed without a mouse");
  await page.keyboard.press("Control+s");
  await expect(page.locator(".editor-state")).toHaveText("Saved");
  // Tab leaves the editor (it does not indent).
  await page.keyboard.press("Tab");
  await expect.poll(() => editor.evaluate((element) => element.contains(document.activeElement))).toBe(false);
  await expectAccessible(page, "player with the editor", ".editor-panel");

  await tabTo(page, editorTab, { backwards: true });
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Web on node2" })).toHaveAttribute("aria-selected", "true");
  await expect(page.frameLocator("iframe.preview-frame").locator("body")).toContainText("hello from node2");
  await expectAccessible(page, "player with a port preview", ".preview-panel");
});
