// The dev-scenario watcher against real files: a saved step is reloaded and published, broken front
// matter is reported while the last valid version stays published, and fixing it recovers.
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Catalog } from "./catalog";
import type { DevScenarioEvent } from "./dev-scenario-event";
import { type ScenarioWatch, watchScenario } from "./watch-scenario";

const SCENARIO_MD = "---\ntitle: Watched\n---\nIntro.\n";
let root = "";
let folder = "";
let watch: ScenarioWatch | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "circus-watch-"));
  folder = join(root, "Watched Lab");
  await mkdir(folder);
  await writeFile(join(folder, "scenario.md"), SCENARIO_MD);
  await writeFile(join(folder, "01-first.md"), "# First\n\nOld text.\n");
});
afterEach(async () => {
  watch?.dispose();
  await rm(root, { recursive: true, force: true });
});

function nextChange(current: ScenarioWatch): Promise<DevScenarioEvent> {
  return new Promise((resolve) => {
    const stop = current.onChange((state) => {
      stop();
      resolve(state);
    });
  });
}

describe("watchScenario", () => {
  it("publishes the scenario at start and again, reloaded, after a step file is saved", async () => {
    const published: Catalog[] = [];
    watch = await watchScenario(folder, { publish: (catalog) => published.push(catalog), debounceMs: 20 });
    expect(watch.state).toMatchObject({ scenarioId: "watched-lab", version: 1, status: "valid", errors: [] });
    expect(published).toHaveLength(1);
    expect(published[0]!.directories.get("watched-lab")).toBe(folder);

    const changed = nextChange(watch);
    await writeFile(join(folder, "01-first.md"), "# First\n\nNew text.\n");
    expect(await changed).toMatchObject({ version: 2, status: "valid" });
    expect(published.at(-1)!.scenarios.get("watched-lab")!.steps[0]!.markdown).toMatch(/New text/);
    expect(watch.catalog).toBe(published.at(-1));
  });

  it("reports invalid front matter with its location, keeps the last valid version, and recovers", async () => {
    const published: Catalog[] = [];
    watch = await watchScenario(folder, { publish: (catalog) => published.push(catalog), debounceMs: 20 });

    let changed = nextChange(watch);
    await writeFile(join(folder, "scenario.md"), "---\ntitle: [unclosed\n---\nIntro.\n");
    const broken = await changed;
    expect(broken.status).toBe("invalid");
    expect(broken.scenarioId).toBe("watched-lab");
    expect(broken.errors[0]).toMatchObject({ severity: "error", file: "scenario.md", code: expect.any(String) });
    expect(published).toHaveLength(1);
    expect(watch.catalog.scenarios.get("watched-lab")!.title).toBe("Watched");

    changed = nextChange(watch);
    await writeFile(join(folder, "scenario.md"), "---\ntitle: Watched again\n---\nIntro.\n");
    expect(await changed).toMatchObject({ status: "valid", errors: [] });
    expect(watch.catalog.scenarios.get("watched-lab")!.title).toBe("Watched again");
  });

  it("follows atomic saves (write elsewhere, rename over) again and again, and files in new sub-folders", async () => {
    watch = await watchScenario(folder, { debounceMs: 20 });
    for (const round of [1, 2, 3]) {
      const changed = nextChange(watch);
      await writeFile(join(folder, "01-first.md.tmp"), `# First\n\nRound ${round}.\n`);
      await rename(join(folder, "01-first.md.tmp"), join(folder, "01-first.md"));
      await changed;
      expect(watch.catalog.scenarios.get("watched-lab")!.steps[0]!.markdown).toMatch(`Round ${round}.`);
    }
    let changed = nextChange(watch);
    await mkdir(join(folder, "assets", "app"), { recursive: true });
    await changed; // the new folder is watched from this reload on
    changed = nextChange(watch);
    await writeFile(join(folder, "assets", "app", "config.yaml"), "a: 1\n");
    expect((await changed).status).toBe("valid");
  });

  it("ignores editor scratch files and stops telling listeners once disposed", async () => {
    watch = await watchScenario(folder, { debounceMs: 20 });
    const seen: DevScenarioEvent[] = [];
    watch.onChange((state) => seen.push(state));
    await writeFile(join(folder, ".01-first.md.swp"), "swap");
    await writeFile(join(folder, "01-first.md~"), "backup");
    await sleep(150); // well past the debounce: a reload would have happened by now
    expect(seen).toEqual([]);
    const real = nextChange(watch);
    await writeFile(join(folder, "01-first.md"), "# First\n\nEdited.\n");
    await real;
    expect(seen).toHaveLength(1);
    watch.dispose();
    await writeFile(join(folder, "01-first.md"), "# First\n\nAfter dispose.\n");
    await watch.reload();
    expect(seen).toHaveLength(1);
  });
});
