// The scenario the terminal and web benchmarks run (one `circus/base` host, one terminal), written into a
// temporary catalog folder, and the sweep that removes whatever carries a bench run's label.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type Dockerode from "dockerode";

export const BENCH_LABEL = "circus.bench";
export const BENCH_SCENARIO_ID = "bench-terminal";
export const BENCH_HOST = "node1";
export const BENCH_IMAGE = "circus/base:latest";

const FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: Bench terminal",
    "description: One circus/base host with a shell, for the benchmarks.",
    "hosts:",
    `  - name: ${BENCH_HOST}`,
    "    image: circus/base",
    "terminals:",
    `  - { id: shell, title: Shell, host: ${BENCH_HOST} }`,
    "---",
    "A shell to measure.",
  ].join("\n"),
  "01-step.md": ["# Measure", "", "Type into the terminal."].join("\n"),
};

/** Writes the bench scenario under `<folder>/scenarios/` and returns that catalog folder. */
export async function writeBenchCatalog(folder: string): Promise<string> {
  const scenariosDir = join(folder, "scenarios");
  await mkdir(join(scenariosDir, BENCH_SCENARIO_ID), { recursive: true });
  for (const [name, content] of Object.entries(FILES)) {
    await writeFile(join(scenariosDir, BENCH_SCENARIO_ID, name), content);
  }
  return scenariosDir;
}

/** Removes every container and network labelled `circus.bench=<benchRunId>`. */
export async function removeBenchResources(docker: Dockerode, benchRunId: string): Promise<void> {
  const filters = { label: [`${BENCH_LABEL}=${benchRunId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.allSettled(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.allSettled(networks.map((network) => docker.getNetwork(network.Id).remove()));
}
