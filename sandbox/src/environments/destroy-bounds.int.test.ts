// Destroys are bounded like creates: a burst of stops (a load test's or a workshop's end) once sent ~50
// force-removes of containers with open execs at once, and Docker 20.10 wedged. Shown on the real engine's
// event stream: with one slot, an environment's container is killed only after the previous one is gone.
import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";

let scope: TestScope;

beforeEach(() => {
  scope = createTestScope();
});

afterEach(async () => {
  await scope.cleanup();
});

it("removes the environments of a burst of destroys one slot at a time", { timeout: 120_000 }, async () => {
  const runtime = await scope.runtime({ maxConcurrentCreates: 1 });
  const environments = await Promise.all([1, 2, 3].map(() => runtime.create(scope.spec(["node1"]))));
  const containers = new Set(environments.map((environment) => environment.hosts[0]!.containerId));
  const since = Math.floor(Date.now() / 1000) - 1;
  await Promise.all(environments.map((environment) => runtime.destroy(environment.id)));
  const until = Math.floor(Date.now() / 1000) + 1;
  const stream = await scope.docker.getEvents({ since, until, filters: { type: ["container"] } });
  const events: { id: string; action: string }[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      const event = JSON.parse(line) as { id: string; Action: string };
      if (containers.has(event.id) && (event.Action === "kill" || event.Action === "destroy")) {
        events.push({ id: event.id, action: event.Action });
      }
    }
  }
  // Each container's destroy comes before the next container's first kill: no two removals overlapped.
  expect(events.filter((event) => event.action === "destroy")).toHaveLength(3);
  let open: string | undefined;
  for (const event of events) {
    if (event.action === "kill") {
      expect(open === undefined || open === event.id).toBe(true);
      open = event.id;
    } else {
      expect(event.id).toBe(open);
      open = undefined;
    }
  }
});
