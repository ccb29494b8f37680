// Shared by the API integration tests: a tiny scenario (one step with verify/solve, one quiz step)
// written into a folder, polling a run until its start settled, and removing the test's containers.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { connectEngine } from "@circus/sandbox";
import { type ApiResponse, type LearnerClient, TEST_LABEL } from "./web-test-server";

export const SCENARIO_ID = "api-test";
export const SCENARIO_FILES: Record<string, string> = {
  "scenario.md": [
    "---",
    "title: API test",
    "hosts:",
    "  - name: node1",
    "    image: circus/base",
    "---",
    "Intro.",
  ].join("\n"),
  "01-make-a-file.md": [
    "# Make a file",
    "",
    "Create the file.",
    "",
    "```bash verify",
    'test -f /root/made.txt || { echo "Create /root/made.txt first"; exit 1; }',
    "```",
    "",
    "```bash solve",
    "touch /root/made.txt",
    "```",
  ].join("\n"),
  "02-quiz.md": [
    "# Quiz",
    "",
    "```quiz",
    "question: Which command prints the machine's name?",
    "type: single",
    "choices:",
    '  - "[ ] whoami"',
    '  - "[x] hostname"',
    "```",
  ].join("\n"),
};

/** Writes the test scenario into `<scenariosDir>/api-test/`. */
export async function writeTestScenario(scenariosDir: string): Promise<void> {
  for (const [path, content] of Object.entries(SCENARIO_FILES)) {
    const file = join(scenariosDir, SCENARIO_ID, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** Removes every container, network and checkpoint image labelled with this test id. */
export async function removeTestResources(testId: string): Promise<void> {
  const docker = await connectEngine();
  const filters = { label: [`${TEST_LABEL}=${testId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((network) => docker.getNetwork(network.Id).remove()));
  // Later checkpoints first: an earlier one may be their parent.
  for (let pass = 0; pass < 3; pass += 1) {
    for (const image of (await docker.listImages({ filters })).sort((a, b) => b.Created - a.Created)) {
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}

export async function pollUntilSettled(client: LearnerClient, runId: string): Promise<ApiResponse> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await client.request("GET", `/api/runs/${runId}`);
    if (response.json?.run?.status !== "starting") return response;
    if (Date.now() > deadline) throw new Error(`run ${runId} still starting: ${JSON.stringify(response.json)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
