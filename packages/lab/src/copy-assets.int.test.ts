import { rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabTestScope, type LabTestScope } from "../test/lab-test-scope";
import { copyAssets } from "./copy-assets";
import { AssetUnreadableError } from "./lab-errors";
import { startLab } from "./start-lab";

let scope: LabTestScope;
beforeEach(async () => {
  scope = await createLabTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

const lifetimes = { ttlSeconds: 600, idleTimeoutSeconds: 600 };
const SECRET = "server secret 41c7";

describe("copyAssets", () => {
  it("copies nothing from outside the scenario folder, even when an asset became a link out after loading", async () => {
    const { dir, scenario } = await scope.scenario({
      "scenario.md": [
        "---",
        "title: Swapped asset",
        "assets:",
        "  - source: notes.txt",
        '    target: "~/notes.txt"',
        "---",
        "Intro.",
      ].join("\n"),
      "assets/notes.txt": "author's notes\n",
      "01-one.md": "# One\n\nNothing to do.\n",
    });
    // The server's secret sits next to the scenario folder; the validated asset is swapped for a link to it.
    const secretFile = join(dirname(dir), "secret.txt");
    await writeFile(secretFile, `${SECRET}\n`);
    const lab = await startLab({ runtime: scope.runtime, scenario, scenarioDir: dir, ...lifetimes });

    await rm(join(dir, "assets/notes.txt"));
    await symlink("../../secret.txt", join(dir, "assets/notes.txt"));
    await expect(copyAssets(lab)).rejects.toBeInstanceOf(AssetUnreadableError);
    const inside = await lab.runtime.environment(lab.environment.id).commands.run(scenario.hosts[0]!.name, {
      script: `cat /root/notes.txt; grep -rl "${SECRET}" /root /tmp /etc || true`,
    });
    expect(inside.stdout).toBe("author's notes\n");

    // A fresh start refuses too, and leaves no environment behind.
    await expect(startLab({ runtime: scope.runtime, scenario, scenarioDir: dir, ...lifetimes })).rejects.toThrow(
      /leads outside the scenario folder/,
    );
    await lab.runtime.destroy(lab.environment.id);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });
});
