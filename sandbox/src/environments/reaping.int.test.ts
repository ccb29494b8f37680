// Lifetimes against the real engine: TTL and idle reaping, and start-up reconciliation after a
// runtime process is killed (adoption), with expired and orphaned leftovers removed.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import type { Environment } from "./environment";
import { LABEL } from "./labels";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const HANG_SCRIPT = fileURLToPath(new URL("../../test/create-then-hang.ts", import.meta.url));

describe("reaping", () => {
  it("destroys an environment once its TTL has passed", async () => {
    const runtime = await scope.runtime({ reapIntervalMs: 200 });
    const environment = await runtime.create(scope.spec(["node1"], { ttlSeconds: 1 }));
    expect(runtime.get(environment.id)).toBeDefined();
    await vi.waitFor(() => expect(runtime.get(environment.id)).toBeUndefined(), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await scope.count()).toEqual({ containers: 0, networks: 0 }));
  });

  it("destroys an idle environment and keeps a touched one", async () => {
    const runtime = await scope.runtime({ reapIntervalMs: 200 });
    const [idle, active] = await Promise.all([
      runtime.create(scope.spec(["node1"], { idleTimeoutSeconds: 1 })),
      runtime.create(scope.spec(["node1", "node2"], { idleTimeoutSeconds: 2 })),
    ]);
    const keepActive = setInterval(() => runtime.touch(active!.id), 200);
    try {
      await vi.waitFor(() => expect(runtime.get(idle!.id)).toBeUndefined(), { timeout: 10_000, interval: 100 });
      // Three idle timeouts of the active one later, it is still there because it was touched.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(runtime.get(active!.id)).toBeDefined();
      expect(await scope.count()).toEqual({ containers: 2, networks: 1 });
    } finally {
      clearInterval(keepActive);
    }
  });

  it("pushes the expiry back with extend", async () => {
    const runtime = await scope.runtime({ reapIntervalMs: 200 });
    const environment = await runtime.create(scope.spec(["node1"], { ttlSeconds: 1 }));
    runtime.extend(environment.id, 600);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(runtime.get(environment.id)).toBeDefined();
  });
});

describe("reconciliation", () => {
  it("adopts the environment of a runtime process killed with SIGKILL", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", HANG_SCRIPT, scope.id], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let created: Environment;
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      created = JSON.parse(line);
    } finally {
      child.kill("SIGKILL");
    }
    await once(child, "exit");

    const runtime = await scope.runtime();
    const adopted = runtime.get(created.id);
    expect(adopted?.hosts).toEqual(created.hosts);
    expect(adopted?.networkId).toBe(created.networkId);
    expect(adopted?.owner).toBe("crash-test");
    expect(adopted?.expiresAt.toISOString()).toBe(created.expiresAt);
    expect(adopted?.spec.hosts.map((host) => host.name)).toEqual(["node1", "node2"]);

    // Usable as before, and a second reconcile finds nothing to adopt or remove.
    const resolved = await runCommand(scope.docker, runtime.containerOf(created.id, "node1"), {
      argv: ["getent", "hosts", "node2"],
    });
    expect(resolved.exitCode).toBe(0);
    expect(await runtime.reconcile()).toMatchObject({ adopted: [], removed: [] });
    expect(await scope.count()).toEqual({ containers: 2, networks: 1 });

    // A runtime that is disposed leaves it running for the next one.
    runtime.dispose();
    const next = await scope.runtime();
    expect(next.get(created.id)?.hosts).toEqual(created.hosts);
    await next.destroy(created.id);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("removes expired environments and orphans instead of adopting them", async () => {
    const first = await scope.runtime({ reapIntervalMs: 3_600_000 });
    const [expiring, broken, kept] = await Promise.all([
      first.create(scope.spec(["node1"], { ttlSeconds: 1 })),
      first.create(scope.spec(["node1", "node2"])),
      first.create(scope.spec(["node1"])),
    ]);
    first.dispose();
    // An environment missing a host, a network without containers, a container without a spec.
    await scope.docker.getContainer(first.containerOf(broken!.id, "node2")).remove({ force: true });
    const lonelyNetwork = await scope.docker.createNetwork({
      Name: `circus-lonely-${scope.id}`,
      Internal: true,
      Labels: { ...scope.labels, [LABEL.environment]: `lonely-${scope.id}` },
    });
    const stray = await scope.docker.createContainer({
      Image: "circus/base:latest",
      Cmd: ["sleep", "infinity"],
      Labels: { ...scope.labels, [LABEL.environment]: `stray-${scope.id}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const second = await scope.runtime();
    expect(second.list().map((environment) => environment.id)).toEqual([kept!.id]);
    expect(await scope.count()).toEqual({ containers: 1, networks: 0 });
    await expect(scope.docker.getNetwork(lonelyNetwork.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(stray.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(expiring!.id).not.toBe(kept!.id);
  });
});
