// The Environment handle against the real engine: commands, files, port forwards and terminals go
// through it; every call checks the host still runs; its terminals end on destroy, reap and host restart.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { ContainerDiedError, EnvironmentNotFoundError, HostNotFoundError } from "../errors";
import type { TerminalSession } from "../terminals/terminal-session";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

/** Collects a session's output (replayed from `since`) until `text` shows up. */
async function outputUntil(session: TerminalSession, text: string, since = 0): Promise<string> {
  let output = "";
  const client = session.attach(
    {
      onData: (chunk) => {
        output += Buffer.from(chunk).toString("utf8");
      },
      onExit: () => undefined,
    },
    { since },
  );
  try {
    await vi.waitFor(() => expect(output).toContain(text), { timeout: 10_000 });
    return output;
  } finally {
    client.dispose();
  }
}

describe("the Environment handle", () => {
  it("runs commands, reads and writes files and forwards ports on a named host", async () => {
    const runtime = await scope.runtime();
    const { id } = await runtime.create(scope.spec(["node1", "node2"]));
    const environment = runtime.environment(id);

    await environment.files.write("node2", "~/greeting.txt", "hello from the handle\n", { mode: 0o600 });
    const read = await environment.files.read("node2", "/root/greeting.txt");
    expect(read.toString()).toBe("hello from the handle\n");
    const listed = await environment.commands.run("node2", { argv: ["stat", "-c", "%a %U", "/root/greeting.txt"] });
    expect(listed.stdout.trim()).toBe("600 root");
    // Each host is its own container: node1 has no such file.
    expect((await environment.commands.run("node1", { script: "test -e /root/greeting.txt" })).exitCode).toBe(1);

    await environment.commands.run("node1", {
      script: "nohup socat TCP-LISTEN:7000,bind=127.0.0.1,fork SYSTEM:'echo pong' >/dev/null 2>&1 &",
    });
    const reply = await vi.waitFor(
      async () => {
        const stream = await environment.ports.forward("node1", 7000);
        let text = "";
        for await (const chunk of stream) text += Buffer.from(chunk as Uint8Array).toString("utf8");
        expect(text).toBe("pong\n");
        return text;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(reply).toBe("pong\n");

    await expect(environment.commands.run("node9", { argv: ["true"] })).rejects.toThrow(HostNotFoundError);
  });

  it("owns one session per terminal id, replays it from an offset, and ends it on destroy", async () => {
    const runtime = await scope.runtime();
    const { id } = await runtime.create(scope.spec());
    const environment = runtime.environment(id);
    const size = { cols: 80, rows: 24 };

    const [first, second] = await Promise.all([
      environment.terminals.open("node1", "1", size),
      environment.terminals.open("node1", "1", size),
    ]);
    expect(second).toBe(first);
    expect(first.id.length).toBeGreaterThanOrEqual(24); // the reconnect token
    expect(environment.terminals.has("1")).toBe(true);
    first.write("echo marker-$((40 + 2))\n");
    const seen = await outputUntil(first, "marker-42");
    // A reconnecting client asks from an offset and gets only what came after it.
    const offset = first.stats().endOffset;
    first.write("echo later-$((1 + 1))\n");
    const replayed = await outputUntil(first, "later-2", offset);
    expect(replayed).not.toContain("marker-42");
    expect(seen).toContain("marker-42");
    const other = await environment.terminals.open("node1", "2", size);
    expect(other).not.toBe(first);

    await environment.destroy();
    expect((await first.exited).reason).toBeDefined();
    expect(first.stats().state).toBe("ended");
    expect(other.stats().state).toBe("ended");
    expect(() => runtime.environment(id)).toThrow(EnvironmentNotFoundError);
    const gone = await environment.commands.run("node1", { argv: ["true"] }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(EnvironmentNotFoundError);
    expect((gone as EnvironmentNotFoundError).remedy).toMatch(/start a new one/);
    expect(await scope.count()).toEqual({ containers: 0, networks: 0 });
  });

  it("refuses calls on a host that died with a typed error and ends its terminals when it restarts", async () => {
    const runtime = await scope.runtime();
    const { id } = await runtime.create(scope.spec());
    const environment = runtime.environment(id);
    const session = await environment.terminals.open("node1", "1", { cols: 80, rows: 24 });

    await scope.docker.getContainer(runtime.containerOf(id, "node1")).kill({ signal: "SIGKILL" });
    await vi.waitFor(() => expect(environment.hostStates()[0]?.state).toBe("stopped"), { timeout: 10_000 });
    for (const call of [
      () => environment.commands.run("node1", { argv: ["true"] }),
      () => environment.files.read("node1", "/etc/hostname"),
      () => environment.ports.forward("node1", 80),
      () => environment.terminals.open("node1", "2", { cols: 80, rows: 24 }),
    ]) {
      const refused = await call().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ContainerDiedError);
      expect((refused as ContainerDiedError).remedy).toBe("restart the host");
    }

    await environment.restartHost("node1");
    expect(session.stats().state).toBe("ended");
    expect(environment.terminals.has("1")).toBe(false);
    expect((await environment.commands.run("node1", { argv: ["hostname"] })).stdout.trim()).toBe("node1");
  });

  it("ends the terminals of an environment the reaper removes", async () => {
    const runtime = await scope.runtime({ reapIntervalMs: 200 });
    const { id } = await runtime.create(scope.spec(["node1"], { idleTimeoutSeconds: 2 }));
    const session = await runtime.environment(id).terminals.open("node1", "1", { cols: 80, rows: 24 });
    await vi.waitFor(() => expect(session.stats().state).toBe("ended"), { timeout: 15_000 });
    expect(runtime.get(id)).toBeUndefined();
    await vi.waitFor(async () => expect(await scope.count()).toEqual({ containers: 0, networks: 0 }));
  });
});
