import { createWarmPool } from "@circus/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabTestScope, type LabTestScope } from "../test/lab-test-scope";
import { environmentSpecFor } from "./environment-spec-for";
import type { Lab } from "./lab";
import { type LabStage, startLab } from "./start-lab";

let scope: LabTestScope;
beforeEach(async () => {
  scope = await createLabTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

const lifetimes = { ttlSeconds: 600, idleTimeoutSeconds: 600 };

async function shell(lab: Lab, script: string): Promise<string> {
  const result = await lab.runtime
    .environment(lab.environment.id)
    .commands.run(lab.scenario.hosts[0]!.name, { script });
  expect(result.stderr).toBe("");
  return result.stdout;
}

describe("startLab", () => {
  it("copies native assets with their modes and runs the intro setup before it returns", async () => {
    const { dir, scenario } = await scope.scenario({
      "scenario.md": [
        "---",
        "title: Assets",
        "intro: {setup: intro-setup.sh}",
        "assets:",
        "  - source: bin/greet.sh",
        "    target: /usr/local/bin/",
        '    mode: "0755"',
        "  - source: notes.txt",
        '    target: "~/docs/notes.txt"',
        '    mode: "0600"',
        "---",
        "Intro.",
      ].join("\n"),
      "intro-setup.sh": "greet.sh > /root/intro-ran\n",
      "assets/bin/greet.sh": "#!/bin/bash\necho hello from an asset\n",
      "assets/notes.txt": "some notes\n",
      "01-one.md": "# One\n\nNothing to do.\n",
    });
    const stages: LabStage[] = [];
    const lab = await startLab({
      runtime: scope.runtime,
      scenario,
      scenarioDir: dir,
      ...lifetimes,
      onStage: (stage) => stages.push(stage),
    });

    expect(stages).toEqual(["queued", "creating", "starting", "ready"]);
    expect(await shell(lab, "stat -c '%a %U %n' /usr/local/bin/greet.sh /root/docs/notes.txt")).toBe(
      "755 root /usr/local/bin/greet.sh\n600 root /root/docs/notes.txt\n",
    );
    expect(await shell(lab, "cat /root/docs/notes.txt /root/intro-ran")).toBe("some notes\nhello from an asset\n");
    expect(lab.introSetup?.exitCode).toBe(0);
  });

  it("copies KataCoda assets into ~ with chmod +x", async () => {
    const { dir, scenario } = await scope.scenario({
      "index.json": JSON.stringify({
        title: "KataCoda assets",
        details: {
          intro: { text: "intro.md" },
          steps: [{ title: "One", text: "step1.md" }],
          assets: {
            host01: [
              { file: "run.sh", target: "~", chmod: "+x" },
              { file: "data.txt", target: "/opt/data" },
            ],
          },
        },
        backend: { imageid: "ubuntu" },
      }),
      "intro.md": "Intro\n",
      "step1.md": "Step\n",
      "assets/run.sh": "echo ran\n",
      "assets/data.txt": "data\n",
    });
    const lab = await startLab({ runtime: scope.runtime, scenario, scenarioDir: dir, ...lifetimes });
    expect(await shell(lab, "stat -c '%a %n' /root/run.sh /opt/data/data.txt && /root/run.sh")).toBe(
      "755 /root/run.sh\n644 /opt/data/data.txt\nran\n",
    );
  });

  it("claims a ready environment from a warm pool instead of creating one", async () => {
    const { dir, scenario } = await scope.scenario({ "scenario.md": "---\ntitle: Pooled\n---\nIntro.\n" });
    const pool = createWarmPool({
      runtime: scope.runtime,
      key: `lab-${scope.id}`,
      spec: environmentSpecFor(scenario, lifetimes),
      size: 1,
    });
    try {
      await pool.whenFull();
      const pooledId = scope.runtime.list()[0]!.id;
      const stages: LabStage[] = [];
      const lab = await startLab({
        runtime: scope.runtime,
        scenario,
        scenarioDir: dir,
        ...lifetimes,
        pool,
        owner: "run-1",
        onStage: (stage) => stages.push(stage),
      });
      expect(lab.environment.id).toBe(pooledId);
      expect(stages).toEqual(["queued", "starting", "ready"]);
    } finally {
      await pool.dispose({ destroyUnclaimed: true });
    }
  });

  it("destroys the environment when it is aborted during the intro setup", async () => {
    const { dir, scenario } = await scope.scenario({
      "scenario.md": "---\ntitle: Slow\nintro: {setup: intro-setup.sh}\n---\nIntro.\n",
      "intro-setup.sh": "sleep 60\n",
    });
    const abort = new AbortController();
    const starting = startLab({
      runtime: scope.runtime,
      scenario,
      scenarioDir: dir,
      ...lifetimes,
      signal: abort.signal,
      onStage: (stage) => {
        if (stage === "starting") setTimeout(() => abort.abort(), 300);
      },
    });
    await expect(starting).rejects.toMatchObject({ code: "command_aborted" });
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
    expect(scope.runtime.list()).toEqual([]);
  });
});
