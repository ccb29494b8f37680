import { describe, expect, it } from "vitest";
import { toHostStateView } from "./host-state-views";

describe("toHostStateView", () => {
  it("says why a host stopped: disk quota, memory, gone, or its exit code", () => {
    expect(toHostStateView({ name: "node1", state: "running" })).toEqual({ name: "node1", state: "running" });
    const disk = toHostStateView({
      name: "node1",
      state: "stopped",
      exitCode: 137,
      oomKilled: false,
      diskQuotaMiB: 2048,
    });
    expect(disk.message).toContain("more than its disk quota of 2048 MiB");
    const memory = toHostStateView({ name: "node2", state: "stopped", exitCode: 137, oomKilled: true });
    expect(memory.message).toContain("more memory than it is given");
    expect(toHostStateView({ name: "node3", state: "stopped", exitCode: -1 }).message).toContain("is gone");
    expect(toHostStateView({ name: "node4", state: "stopped", exitCode: 3 }).message).toContain("exit code 3");
    const lost = toHostStateView({ name: "node5", state: "stopped", exitCode: -1, nodeLost: "worker-2" });
    expect(lost).toMatchObject({ cause: "node_lost", message: expect.stringContaining("machine that ran host node5") });
    expect(disk.cause).toBe("disk_quota");
    expect(memory.cause).toBe("memory");
  });
});
