// A learner who breaks the sandbox's own tools cannot hold up the server: with /bin/sh replaced by a
// script that sleeps 90 s (what Circus runs to end a terminal's shell), Stop still returns promptly and
// the container is removed by force. Real server (in-process), real engine, real `ws` client.
import { connectEngine } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cookieHeaderOf,
  LAB_HOST,
  type LabFixture,
  startLabFixture,
  TerminalTestClient,
} from "../terminals/terminal-test-client";

/** Far longer than any deadline Circus keeps, and longer than this test may take. */
const STUCK_SECONDS = 90;

let lab: LabFixture;

beforeAll(async () => {
  lab = await startLabFixture();
});

afterAll(async () => {
  await lab?.dispose();
});

describe("a sandbox whose /bin/sh never returns", () => {
  it("is stopped promptly and its container removed by force", async () => {
    const owner = await lab.learner();
    const runId = await lab.startReadyRun(owner);
    const environmentId = await lab.environmentOf(runId);
    const containerId = lab.server.app.context.runtime.containerOf(environmentId, LAB_HOST);
    const terminal = new TerminalTestClient(lab.server.origin, {
      run: runId,
      terminal: "1",
      cookie: cookieHeaderOf(owner),
    });
    expect(await terminal.opened).toBe("open");
    terminal.type(
      `printf '#!/bin/bash\\nsleep ${STUCK_SECONDS}\\n' > /tmp/sh && chmod 755 /tmp/sh && cp --remove-destination /tmp/sh /bin/sh && echo broken-$((6*7))\r`,
    );
    await terminal.waitForText(/broken-42/);

    // Without deadlines, Stop waits for `sh` (ending the terminal's shell) for the full 90 s: the test's
    // own timeout (60 s) fails it long before.
    const stopped = await owner.request("POST", `/api/runs/${runId}/stop`);
    expect(stopped.status).toBe(200);
    const docker = await connectEngine();
    const inspected = await docker
      .getContainer(containerId)
      .inspect()
      .then(
        () => "still there",
        (error: { statusCode?: number }) => error.statusCode,
      );
    expect(inspected).toBe(404);
    expect((await terminal.closed).code).toBeGreaterThan(0);
  }, 60_000);
});
