// The scenario of the Swarm suite: node1 (bash: terminal, Check, files) and web (python3: a preview), both on
// the small stand-in images the test cluster's registry holds, an intro setup that a restarted node1 runs
// again, and a step with a check.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export const SWARM_SCENARIO_ID = "swarm-test";

const FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Swarm test",
    "hosts:",
    "  - name: node1",
    "    image: circus/standin-debian",
    "    memory: 64m",
    "    cpus: 0.25",
    "  - name: web",
    "    image: circus/standin-python",
    "    memory: 64m",
    "    cpus: 0.25",
    "terminals:",
    "  - { id: node1, title: Shell, host: node1 }",
    "intro:",
    "  setup: intro-setup.sh",
    "---",
    "Intro.",
  ].join("\n"),
  "intro-setup.sh": "echo prepared > /root/prepared.txt\n",
  "01-make-a-file.md": ["# Make a file", "", "```bash verify", "test -f /root/made.txt", "```"].join("\n"),
  "02-done.md": ["# Done", "", "Nothing to do."].join("\n"),
};

/** A host that reserves more CPUs than any test node has: Swarm never places it. */
export const TOO_BIG_SCENARIO_ID = "swarm-too-big";

const TOO_BIG_FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Too big for any node",
    "hosts:",
    "  - name: node1",
    "    image: circus/standin-debian",
    "    cpus: 8",
    "---",
    "Intro.",
  ].join("\n"),
  "01-nothing.md": ["# Nothing", "", "Nothing to do."].join("\n"),
};

export async function writeSwarmScenario(scenariosDir: string): Promise<void> {
  for (const [id, files] of [
    [SWARM_SCENARIO_ID, FILES],
    [TOO_BIG_SCENARIO_ID, TOO_BIG_FILES],
  ] as const) {
    for (const [path, content] of Object.entries(files)) {
      const file = join(scenariosDir, id, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }
}
