// Primed terminals on the real engine: a warm environment opens its first shell ahead, a claim hands it
// over (the claimant's first terminal replays the prompt printed before the claim and takes input), a
// second terminal gets a shell of its own, and a reaped or ended environment leaves no primed shell behind.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestScope, quietLogger, type TestScope } from "../../test/environment-fixture";
import { EnvironmentTerminals } from "../terminals/environment-terminals";
import { openTerminal } from "../terminals/open-terminal";
import type { TerminalSession } from "../terminals/terminal-session";
import { createWarmPool } from "./warm-pool";

let scope: TestScope;
beforeEach(() => {
  scope = createTestScope();
});
afterEach(async () => {
  await scope.cleanup();
});

/** Attaches from offset 0: what `attach` replayed synchronously, and a way to wait for more. */
function attachFromStart(session: TerminalSession) {
  let output = "";
  const client = session.attach(
    {
      onData: (chunk) => {
        output += Buffer.from(chunk).toString("utf8");
      },
      onExit: () => undefined,
    },
    { since: 0 },
  );
  const replayed = output;
  return {
    client,
    replayed,
    until: (text: string) => vi.waitFor(() => expect(output).toContain(text), { timeout: 10_000 }),
  };
}

/** Login shells running in a host (the primed one and any terminal's), counted inside the container. */
async function shellsIn(runtime: Awaited<ReturnType<TestScope["runtime"]>>, id: string): Promise<number> {
  const listed = await runtime.environment(id).commands.run("node1", { argv: ["pgrep", "-c", "-x", "bash"] });
  return Number(listed.stdout.trim() || "0");
}

describe("primed terminals of warm environments", () => {
  it("hands a claimed environment's live shell to its first terminal, prompt replayed, input accepted", async () => {
    const runtime = await scope.runtime();
    const pool = createWarmPool({
      runtime,
      key: "primed",
      spec: scope.spec(["node1"]),
      size: 1,
      refillDelayMs: 60_000,
      primeTerminals: [{ host: "node1", cols: 80, rows: 24 }],
    });
    try {
      await pool.whenFull();
      // The shell runs before any claim: it printed its prompt into the scrollback already.
      const ready = runtime.list()[0];
      if (!ready) throw new Error("the full pool lists no environment");
      await vi.waitFor(async () => expect(await shellsIn(runtime, ready.id)).toBe(1));

      const claimed = pool.claim("learner-1");
      expect(claimed?.id).toBe(ready.id);
      const environment = runtime.environment(ready.id);
      expect(environment.terminals.has("1")).toBe(false);
      const session = await environment.terminals.open("node1", "1", { cols: 100, rows: 30 });
      const first = attachFromStart(session);
      // Replayed inside attach(): the prompt was printed before the claim, and no second shell was started.
      expect(first.replayed).toMatch(/root@node1:~# /);
      expect(session.size).toEqual({ cols: 100, rows: 30 });
      expect(await shellsIn(runtime, ready.id)).toBe(1);

      first.client.write("echo primed-$((6*7))\r");
      await first.until("primed-42");
      // The shell was resized on the hand-over: it sees the terminal's size.
      first.client.write("stty size\r");
      await first.until("30 100");

      // Another terminal on the same host is a shell of its own, never the primed one.
      const second = await environment.terminals.open("node1", "2", { cols: 80, rows: 24 });
      expect(second.id).not.toBe(session.id);
      expect(await shellsIn(runtime, ready.id)).toBe(2);
      first.client.dispose();
    } finally {
      await pool.dispose({ destroyUnclaimed: true });
    }
  });

  it("does not hand a primed shell to a terminal that asks for another command", async () => {
    const runtime = await scope.runtime();
    const { id } = await runtime.create(scope.spec(["node1"]));
    const environment = runtime.environment(id);
    expect(await environment.terminals.prime("node1", { cols: 80, rows: 24 })).toBe(true);
    const other = await environment.terminals.open("node1", "1", {
      cols: 80,
      rows: 24,
      command: ["bash", "--norc", "-i"],
    });
    const attached = attachFromStart(other);
    attached.client.write("echo own-$((1+1))\r");
    await attached.until("own-2");
    // The primed login shell still waits for a terminal that asks for it, beside the other one.
    expect(await shellsIn(runtime, id)).toBe(2);
    const login = await environment.terminals.open("node1", "2", { cols: 80, rows: 24 });
    expect(attachFromStart(login).replayed).toMatch(/root@node1:~# /);
    expect(await shellsIn(runtime, id)).toBe(2);
    attached.client.dispose();
  });

  it("reaps a warm environment with its primed shell, leaving nothing behind", async () => {
    const runtime = await scope.runtime({ reapIntervalMs: 200 });
    const pool = createWarmPool({
      runtime,
      key: "primed-reap",
      spec: scope.spec(["node1"], { ttlSeconds: 5 }),
      size: 1,
      primeTerminals: [{ host: "node1", cols: 80, rows: 24 }],
    });
    try {
      await pool.whenFull();
      const [ready] = runtime.list();
      if (!ready) throw new Error("the full pool lists no environment");
      expect(await shellsIn(runtime, ready.id)).toBe(1);
      await pool.dispose();
      await vi.waitFor(() => expect(runtime.get(ready.id)).toBeUndefined(), { timeout: 15_000 });
      await vi.waitFor(async () => expect(await scope.count()).toEqual({ containers: 0, networks: 0 }));
    } finally {
      await pool.dispose({ destroyUnclaimed: true });
    }
  });

  it("ends a primed shell inside its running container when the environment's terminals end", async () => {
    const runtime = await scope.runtime();
    const { id } = await runtime.create(scope.spec(["node1"]));
    const containerId = runtime.containerOf(id, "node1");
    const docker = scope.docker;
    const terminals = new EnvironmentTerminals();
    let primed: TerminalSession | undefined;
    const opened = await terminals.prime(
      "node1",
      "login",
      async () => {
        primed = await openTerminal(docker, containerId, { cols: 80, rows: 24, logger: quietLogger });
        return primed;
      },
      { deadlineMs: 15_000 },
    );
    expect(opened).toBe(true);
    expect(terminals.list()).toEqual([{ terminalId: undefined, host: "node1" }]);
    expect(await shellsIn(runtime, id)).toBe(1);

    await terminals.end();
    expect((await primed?.exited)?.reason).toBe("disposed");
    expect(terminals.list()).toEqual([]);
    // The shell and its exec ended while the container still runs; nothing is primed after the end.
    expect(await shellsIn(runtime, id)).toBe(0);
    expect(
      await terminals.prime("node1", "login", () => openTerminal(docker, containerId, { cols: 80, rows: 24 }), {
        deadlineMs: 15_000,
      }),
    ).toBe(false);
  });
});
