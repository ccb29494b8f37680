// The two example scenarios in scenarios/ load without a single diagnostic, and each step's check
// fails before the learner's work and passes after it: the commands the text offers are run in
// order with bash in a throwaway home folder, as the learner's clicks would run them on circus/base.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Script } from "../model";
import { defaultImageMap } from "./image-map";
import { loadKatacodaScenario } from "./load-katacoda-scenario";

const scenarioDir = (name: string) => fileURLToPath(new URL(`../../../../scenarios/${name}`, import.meta.url));

const homes: string[] = [];
afterAll(async () => {
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

/** The commands a learner clicks, in order: inline `cmd`{{execute}} and fenced blocks closed by ```{{execute}}. */
function clickableCommands(markdown: string): string[] {
  const pattern = /`([^`\n]+)`\{\{exec(?:ute)?\}\}|```[^\n]*\n([\s\S]*?)\n```\{\{exec(?:ute)?\}\}/g;
  return [...markdown.matchAll(pattern)].map((match) => (match[1] ?? match[2])!);
}

function run(script: string, home: string) {
  const result = spawnSync("bash", ["-c", script], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout };
}

describe.each(["katacoda-hello", "killercoda-hello"])("scenarios/%s", (name) => {
  it("loads with no diagnostics, on circus/base with host01", async () => {
    const { scenario, diagnostics } = await loadKatacodaScenario(scenarioDir(name), { imageMap: defaultImageMap });
    expect(diagnostics).toEqual([]);
    expect(scenario?.hosts.map(({ name: host, image }) => ({ host, image }))).toEqual([
      { host: "host01", image: "circus/base" },
    ]);
    expect(scenario?.steps).toHaveLength(2);
    expect(scenario?.steps.every((step) => step.verify !== undefined)).toBe(true);
  });

  it("has checks that fail before each step's work and pass after it", async () => {
    const { scenario } = await loadKatacodaScenario(scenarioDir(name), { imageMap: defaultImageMap });
    const home = await mkdtemp(join(tmpdir(), `circus-${name}-`));
    homes.push(home);
    for (const step of scenario?.steps ?? []) {
      if (step.setup) expect(run(step.setup.script, home).status, `${step.title}: setup`).toBe(0);
      const verify = step.verify as Script;
      const before = run(verify.script, home);
      expect(before.status, `${step.title}: check before the work`).not.toBe(0);
      expect(before.stdout).not.toContain("done");

      const commands = clickableCommands(step.markdown);
      expect(commands.length, `${step.title}: clickable commands`).toBeGreaterThan(0);
      for (const command of commands) expect(run(command, home).status, `${step.title}: ${command}`).toBe(0);

      const after = run(verify.script, home);
      expect(after.status, `${step.title}: check after the work`).toBe(0);
      // KataCoda's checks also say "done"; Killercoda's only exit 0.
      if (name === "katacoda-hello") expect(after.stdout.trim()).toBe("done");
    }
  });
});
