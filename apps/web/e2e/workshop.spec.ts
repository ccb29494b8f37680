// Workshops in real browsers (one context per person) against the real server, engine and database: an
// admin invites an instructor, who creates a workshop; three learners join with the code and progress
// to different steps while the dashboard follows each one live; the instructor watches a terminal and
// messages everyone; a fourth learner is refused politely; the end removes every environment (checked
// on the engine by the workshop's label). Wrong codes are rate limited. Waits on state, never on time.
import { connectEngine } from "@circus/sandbox";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { E2E_SETUP_TOKEN } from "./e2e-run";
import { screen, typeCommand, waitConnected } from "./player-page";

test.describe.configure({ timeout: 300_000 });

const SCENARIO_TITLE = "Circus basics: your first sandbox";
const ADMIN = { name: "Ada Admin", email: "admin@e2e.circus.test", password: "correct horse battery staple" };
/** On every environment of a workshop (src/server/workshops/workshop-phase.ts). */
const WORKSHOP_LABEL = "circus.workshop";

const contexts: BrowserContext[] = [];
test.afterAll(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

async function newPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

async function containersOfWorkshop(workshopId: string): Promise<number> {
  const docker = await connectEngine();
  const filters = JSON.stringify({ label: [`${WORKSHOP_LABEL}=${workshopId}`] });
  return (await docker.listContainers({ all: true, filters })).length;
}

/**
 * Signs the admin up on a fresh install with the server's setup token (a wrong one is refused first), or
 * in when an earlier attempt of this run already did.
 */
async function signInAdmin(page: Page): Promise<void> {
  await page.goto("/instructor");
  if (page.url().endsWith("/instructor/sign-up")) {
    await expect(page.getByText("it becomes the admin")).toBeVisible();
    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByLabel("Setup token").fill(`${E2E_SETUP_TOKEN}-wrong`);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("form").getByRole("alert")).toContainText("not the setup token");
    await page.getByLabel("Setup token").fill(E2E_SETUP_TOKEN);
  } else {
    await expect(page).toHaveURL(/\/instructor\/sign-in$/);
  }
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: /Create account|Sign in/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your workshops" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${ADMIN.name} (admin)`)).toBeVisible();
}

const row = (page: Page, name: string) => page.locator(`tr[data-learner="${name}"]`);
const funnelStep = (page: Page, index: number) => page.locator(`.funnel-step[data-step-index="${index}"]`).first();
/** The join form's own alert (Next keeps a route announcer with role=alert on every page). */
const joinAlert = (page: Page) => page.getByRole("form", { name: "Join a workshop" }).getByRole("alert");
const execBlock = (page: Page, text: RegExp) =>
  page.locator('.step-content [data-circus-action="exec"]').filter({ hasText: text }).first();

/** Joins through the form (typed code) or the join link, and lands on the workshop's page. */
async function join(page: Page, how: { code: string } | { link: string }, name: string): Promise<void> {
  if ("link" in how) {
    await page.goto(how.link);
  } else {
    await page.goto("/join");
    await page.getByLabel("Workshop code").fill(how.code);
  }
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByTestId("participant-name")).toHaveText(name);
}

/** Starts the workshop's scenario from its page and waits for the player's terminal. */
async function startScenario(page: Page): Promise<void> {
  await page.getByRole("button", { name: `Start ${SCENARIO_TITLE}` }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await waitConnected(page, "node1");
}

/** Runs an exec block of the page, checks the step and moves on. */
async function passStep(page: Page, block: RegExp, marker: string): Promise<void> {
  await execBlock(page, block).click();
  await typeCommand(page, "node1", `echo ${marker}-$((40+2))`);
  await expect(screen(page, "node1")).toContainText(`${marker}-42`);
  await page.getByRole("button", { name: "Check", exact: true }).click();
  await expect(page.locator(".check-result")).toContainText("Check passed");
  await page.getByRole("button", { name: "Next" }).click();
}

test("a workshop from invitation to end: live dashboard, watching, message, full, CSV, no environment left", async ({
  browser,
}, testInfo) => {
  const admin = await newPerson(browser);
  await signInAdmin(admin);
  await admin.getByRole("button", { name: "Create an invitation link" }).click();
  const invitation = await admin.getByLabel("Invitation link").inputValue();
  expect(invitation).toMatch(/\/instructor\/sign-up\?invitation=/);

  // The invited instructor signs up and creates the workshop.
  const teacher = await newPerson(browser);
  await teacher.goto(invitation);
  await expect(teacher.getByText("You were invited")).toBeVisible();
  await teacher.getByLabel("Name").fill("Tess Teacher");
  await teacher.getByLabel("Email").fill(`tess-${Date.now()}@e2e.circus.test`);
  await teacher.getByLabel("Password").fill("a long enough password");
  await teacher.getByRole("button", { name: "Create account" }).click();
  await expect(teacher.getByText("Signed in as Tess Teacher")).toBeVisible();
  await expect(teacher.getByRole("button", { name: "Create an invitation link" })).toHaveCount(0);

  await teacher.getByRole("link", { name: "New workshop" }).click();
  await teacher.getByLabel("Title").fill("Containers at dawn");
  await teacher.getByLabel("Scenario from the catalog").selectOption({ label: SCENARIO_TITLE });
  await teacher.getByRole("button", { name: "Add scenario" }).click();
  await expect(teacher.getByRole("list", { name: "Chosen scenarios" })).toContainText(SCENARIO_TITLE);
  await expect(teacher.getByLabel("Starts")).not.toHaveValue("");
  await teacher.getByLabel("Capacity (learners)").fill("3");
  await teacher.getByLabel("Sandbox lifetime (minutes)").fill("30");
  await teacher.getByRole("button", { name: "Create workshop" }).click();
  await expect(teacher.getByRole("heading", { level: 1, name: "Containers at dawn" })).toBeVisible();
  const console_ = teacher.locator(".workshop-console");
  await expect(console_).toHaveAttribute("data-status", "live");
  const workshopId = (await console_.getAttribute("data-workshop-id")) ?? "";
  await expect(teacher).toHaveURL(new RegExp(`/instructor/workshops/${workshopId}$`));
  const code = (await teacher.getByTestId("join-code").getAttribute("data-code")) ?? "";
  expect(code).toMatch(/^[A-Z2-9]{12}$/);
  const link = (await teacher.getByTestId("join-link").getAttribute("href")) ?? "";
  expect(link).toBe(`/join/${code}`);
  // The QR code is the server's SVG, loaded as an image under the page's CSP.
  const qr = teacher.getByRole("img", { name: /QR code of the join link/ });
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  // Reserved capacity: the instructor sees the environments become ready.
  await expect(teacher.getByTestId("reserve")).toHaveAttribute("data-ready", "3", { timeout: 90_000 });
  await expect(teacher.getByTestId("reserve")).toContainText("3 of 3 reserved environments ready");

  // Three learners join: by the link, by the typed code, by the code typed loosely.
  const [ann, ben, cat] = [await newPerson(browser), await newPerson(browser), await newPerson(browser)];
  await join(ann, { link }, "Ann");
  await join(ben, { code }, "Ben");
  await join(cat, { code: code.toLowerCase().replace(/(.{4})(?!$)/g, "$1-") }, "Cat");
  for (const name of ["Ann", "Ben", "Cat"])
    await expect(row(teacher, name)).toHaveAttribute("data-status", "not_started");

  await test.step("a fourth learner is refused politely", async () => {
    const late = await newPerson(browser);
    await late.goto(link);
    await late.getByLabel("Your name").fill("Dan");
    await late.getByRole("button", { name: "Join" }).click();
    const alert = joinAlert(late);
    await expect(alert).toHaveAttribute("data-error-code", "workshop_full");
    await expect(alert).toContainText("Sorry, this workshop is full: all 3 seats are taken");
    await expect(row(teacher, "Dan")).toHaveCount(0);
  });

  await test.step("learners start and progress to different steps; the dashboard follows each live", async () => {
    for (const learner of [ann, ben, cat]) await startScenario(learner);
    for (const name of ["Ann", "Ben", "Cat"]) {
      await expect(row(teacher, name)).toHaveAttribute("data-status", "ready");
      await expect(row(teacher, name)).toHaveAttribute("data-current-step", "0");
    }

    // Ann checks too early: a failed check shows at once.
    await ann.getByRole("button", { name: "Check", exact: true }).click();
    await expect(ann.locator(".check-result")).toContainText("There is no ~/hostname.txt yet");
    await expect(row(teacher, "Ann")).toHaveAttribute("data-checks-failed", "1");
    await expect(row(teacher, "Ann").locator('[data-cell="checks"]')).toHaveText("0 passed, 1 failed");

    // Ben finishes the first step; Cat the first two.
    await passStep(ben, /hostname > ~\/hostname\.txt/, "ben");
    await expect(row(teacher, "Ben")).toHaveAttribute("data-current-step", "1");
    await expect(row(teacher, "Ben").locator('[data-cell="step"]')).toHaveText("2. Write a file");
    await passStep(cat, /hostname > ~\/hostname\.txt/, "cat1");
    await expect(cat.getByRole("heading", { level: 2, name: "Write a file" })).toBeVisible();
    await passStep(cat, /mkdir -p ~\/circus/, "cat2");
    await expect(row(teacher, "Cat")).toHaveAttribute("data-current-step", "2");
    await expect(row(teacher, "Cat").locator('[data-step-state="done"]')).toHaveCount(2);
    await expect(row(teacher, "Ann")).toHaveAttribute("data-current-step", "0");
    await expect(row(teacher, "Ann").locator('[data-cell="time"]')).toHaveText(/^\d+:\d\d$/);

    await expect(funnelStep(teacher, 0)).toHaveAttribute("data-reached", "3");
    await expect(funnelStep(teacher, 1)).toHaveAttribute("data-reached", "2");
    await expect(funnelStep(teacher, 2)).toHaveAttribute("data-reached", "1");
    await expect(funnelStep(teacher, 1)).toHaveAttribute("data-completed", "1");
    await teacher.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
    await testInfo.attach("dashboard", { path: testInfo.outputPath("dashboard.png"), contentType: "image/png" });
  });

  await test.step("the instructor watches Ann's terminal read-only, and Ann is told", async () => {
    await expect(ann.locator(".workshop-banner")).toHaveAttribute("data-watched", "false");
    await row(teacher, "Ann").getByRole("button", { name: "Watch terminal of Ann" }).click();
    const observed = teacher.locator('.terminal[data-observer="true"]');
    await expect(observed).toHaveAttribute("data-status", "connected");
    // The panel opens in view: xterm.js renders nothing (screen reader rows included) outside the viewport.
    await expect(observed).toBeInViewport();
    await expect(ann.locator(".workshop-banner")).toHaveAttribute("data-watched", "true");
    await expect(ann.getByText("Your instructor is watching your terminal")).toBeVisible();
    await typeCommand(ann, "node1", "echo watched-$((6*7))");
    await expect(observed.locator(".xterm-accessibility-tree")).toContainText("watched-42");
    // Keys typed in the observer's view never reach the learner's shell.
    await observed.click();
    await teacher.keyboard.type("echo intruder-$((1+1))\n");
    await typeCommand(ann, "node1", "echo after-$((2+2))");
    await expect(observed.locator(".xterm-accessibility-tree")).toContainText("after-4");
    await expect(screen(ann, "node1")).not.toContainText("intruder-2");
    await teacher.getByRole("button", { name: "Stop watching" }).click();
    await expect(ann.locator(".workshop-banner")).toHaveAttribute("data-watched", "false");
  });

  await test.step("a message reaches every learner", async () => {
    await teacher.getByLabel("Message to everyone").fill("Five minutes left");
    await teacher.getByRole("button", { name: "Send" }).click();
    await expect(teacher.getByTestId("broadcast-note")).toHaveText("Sent to 3 learners online.");
    for (const learner of [ann, ben, cat])
      await expect(learner.getByTestId("workshop-message")).toHaveText("Five minutes left");
  });

  await test.step("the end removes every environment and learners see the closing page", async () => {
    expect(await containersOfWorkshop(workshopId)).toBeGreaterThan(0);
    await teacher.getByRole("button", { name: "End workshop" }).click();
    await teacher.getByRole("button", { name: "Yes, end it now" }).click();
    await expect(console_).toHaveAttribute("data-status", "ended");
    for (const learner of [ann, ben, cat]) {
      await expect(learner).toHaveURL(new RegExp(`/workshops/${workshopId}/ended$`));
      await expect(learner.getByTestId("workshop-closing")).toHaveAttribute("data-ended", "true");
      await expect(learner.getByRole("heading", { level: 1 })).toHaveText("“Containers at dawn” has ended");
    }
    await expect.poll(() => containersOfWorkshop(workshopId), { timeout: 30_000 }).toBe(0);
  });

  await test.step("after the end, the instructor replays Ann's terminal with its markers", async () => {
    await row(teacher, "Ann").getByRole("button", { name: "Replay the terminals of Ann" }).click();
    const replay = teacher.getByRole("region", { name: "Terminals of Ann" });
    const player = replay.getByTestId("cast-player");
    await expect(player).toHaveAttribute("data-state", "paused", { timeout: 30_000 });
    await expect(replay.getByRole("list", { name: "Markers" })).toContainText("Check failed (step 1)");
    // Seek to the end: the screen shows the session's last state, typed after the observer's keys.
    const duration = (await player.getAttribute("data-duration")) ?? "0";
    await replay.getByRole("slider", { name: "Position in the recording" }).fill(duration);
    const replayed = replay.getByTestId("cast-screen").locator(".xterm-accessibility-tree");
    await expect(replayed).toContainText("after-4");
    await expect(replayed).not.toContainText("intruder-2");
    await replay.getByRole("button", { name: "Play" }).click();
    await expect(player).toHaveAttribute("data-state", /playing|ended/);
  });

  await test.step("the results download as CSV", async () => {
    const download = teacher.waitForEvent("download");
    await teacher.getByRole("link", { name: "Download CSV" }).click();
    const csv = await (await download).createReadStream();
    let text = "";
    for await (const chunk of csv) text += String(chunk);
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "participant,joined_at,scenario,status,steps_completed,steps_total,checks_passed,checks_failed,time_spent_seconds",
    );
    const columns = (line: string) => line.split(",").filter((_, index) => [0, 2, 3, 4].includes(index));
    expect(lines.slice(1).map(columns)).toEqual([
      ["Ann", "circus-basics", "stopped", "0"],
      ["Ben", "circus-basics", "stopped", "1"],
      ["Cat", "circus-basics", "stopped", "2"],
    ]);
  });
});

// Last in this file: the limit is per client address, and every browser here shares 127.0.0.1.
test("wrong join codes are answered plainly, then rate limited", async ({ page }) => {
  await page.goto("/join");
  await page.getByLabel("Your name").fill("Guesser");
  const form = page.getByRole("form", { name: "Join a workshop" });
  const alert = joinAlert(page);
  let wrongAnswers = 0;
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    await page.getByLabel("Workshop code").fill(`WRONG-CODE-${String(attempt).padStart(2, "0")}`);
    await page.getByRole("button", { name: "Join" }).click();
    await expect(form).toHaveAttribute("data-answers", String(attempt));
    if ((await alert.getAttribute("data-error-code")) === "rate_limited") break;
    await expect(alert).toHaveAttribute("data-error-code", "join_code_unknown");
    await expect(alert).toContainText("This code does not match a workshop");
    wrongAnswers += 1;
  }
  expect(wrongAnswers).toBeGreaterThan(0);
  await expect(alert).toHaveAttribute("data-error-code", "rate_limited");
  await expect(alert).toContainText(/Too many wrong codes from your network\. .*try again in \d+ seconds/);
});
