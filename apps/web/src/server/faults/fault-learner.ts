// What the fault suite does as a learner against a server process: type into a terminal over the real
// WebSocket, and list what the engine holds for the test.
import type Dockerode from "dockerode";
import { expect } from "vitest";
import { cookieHeaderOf, TerminalTestClient } from "../terminals/terminal-test-client";
import { type LearnerClient, TEST_LABEL } from "../test/web-test-server";

/** Opens the run's first terminal (sized, so the shell starts) and waits for its hello. */
export async function openTerminal(origin: string, learner: LearnerClient, runId: string): Promise<TerminalTestClient> {
  const terminal = new TerminalTestClient(origin, { run: runId, terminal: "node1", cookie: cookieHeaderOf(learner) });
  expect(await terminal.opened).toBe("open");
  terminal.sendControl({ type: "resize", cols: 100, rows: 30 });
  await terminal.waitForHello();
  return terminal;
}

/** Types a command and waits for the marker it prints (computed by the shell, so the echo cannot match). */
export async function runInTerminal(terminal: TerminalTestClient, command: string, marker: string): Promise<void> {
  terminal.type(`${command}; echo ${marker}-$((40+2))\r`);
  await terminal.waitForText(`${marker}-42`, 30_000);
}

/** The containers and networks on `docker` labelled for this test. */
export async function testResources(docker: Dockerode, testId: string) {
  const filters = { label: [`${TEST_LABEL}=${testId}`] };
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  return { containers, networks };
}

export async function removeTestResources(docker: Dockerode, testId: string): Promise<void> {
  const { containers, networks } = await testResources(docker, testId);
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

/** The server's `/readyz` answer: status and body. */
export async function readinessOf(origin: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${origin}/readyz`);
  return { status: response.status, text: await response.text() };
}
