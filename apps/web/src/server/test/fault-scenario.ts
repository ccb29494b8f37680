// The scenario of the fault suite: one small host on a private network of its own (so orphaned networks
// would show), with an asset and an intro setup (so a restarted host shows both applied again), a first
// step with a check, and a second step to move on to.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export const FAULT_SCENARIO_ID = "fault-test";

const FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Fault test",
    "hosts:",
    "  - name: node1",
    "    image: circus/base",
    "    memory: 64m",
    "network: true",
    "assets:",
    "  - source: hello.txt",
    "    target: /root/hello.txt",
    "intro:",
    "  setup: intro-setup.sh",
    "---",
    "Intro.",
  ].join("\n"),
  "assets/hello.txt": "hello from the assets\n",
  "intro-setup.sh": "echo prepared > /root/prepared.txt\n",
  "01-make-a-file.md": ["# Make a file", "", "```bash verify", "test -f /root/made.txt", "```"].join("\n"),
  "02-done.md": ["# Done", "", "Nothing to do."].join("\n"),
};

export async function writeFaultScenario(scenariosDir: string): Promise<void> {
  for (const [path, content] of Object.entries(FILES)) {
    const file = join(scenariosDir, FAULT_SCENARIO_ID, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
