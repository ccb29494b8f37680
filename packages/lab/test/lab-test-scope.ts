// Integration-test fixtures: a sandbox runtime scoped to one test id (`circus.test=<id>` on every
// container and network it makes), scenarios written into temp folders, and a cleanup that removes both.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectEngine, createSandboxRuntime, type SandboxRuntime } from "@circus/sandbox";
import { loadScenario, type Scenario } from "@circus/scenario";
import { pino } from "pino";

export const TEST_LABEL = "circus.test";
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface LabTestScope {
  id: string;
  labels: Record<string, string>;
  runtime: SandboxRuntime;
  /** Writes `files` (relative path → content) into a new temp folder and returns it. */
  writeScenario(files: Record<string, string>): Promise<string>;
  /** Writes and loads a scenario; fails the test when it does not load. */
  scenario(files: Record<string, string>): Promise<{ dir: string; scenario: Scenario }>;
  /** Containers and networks carrying this test's label. */
  count(): Promise<{ containers: number; networks: number }>;
  cleanup(): Promise<void>;
}

export async function createLabTestScope(): Promise<LabTestScope> {
  const id = randomBytes(6).toString("hex");
  const labels = { [TEST_LABEL]: id };
  const runtime = await createSandboxRuntime({ labels, logger: pino({ level: "silent" }) });
  // The test's own engine client, to count and remove what carries its label.
  const docker = await connectEngine();
  const filters = { label: [`${TEST_LABEL}=${id}`] };
  const folders: string[] = [];
  const scope: LabTestScope = {
    id,
    labels,
    runtime,
    async writeScenario(files) {
      const dir = await mkdtemp(join(tmpdir(), "circus-lab-"));
      folders.push(dir);
      const root = join(dir, "scenario");
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), content);
      }
      return root;
    },
    async scenario(files) {
      const dir = await scope.writeScenario(files);
      const loaded = await loadScenario(dir);
      if (!loaded.scenario) throw new Error(`test scenario invalid: ${JSON.stringify(loaded.diagnostics)}`);
      return { dir, scenario: loaded.scenario };
    },
    async count() {
      const [containers, networks] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
      ]);
      return { containers: containers.length, networks: networks.length };
    },
    async cleanup() {
      await runtime.dispose();
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
      const networks = await docker.listNetworks({ filters });
      await Promise.all(networks.map((network) => docker.getNetwork(network.Id).remove()));
      await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
    },
  };
  return scope;
}
