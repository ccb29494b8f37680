import { describe, expect, it } from "vitest";
import { capacityDefaults } from "./machine-capacity";

describe("capacityDefaults", () => {
  it("holds 200 learners on the reference machine (2 cores, 24 GiB), with CPU and memory budgets above them", () => {
    const defaults = capacityDefaults({ cores: 2, memoryMiB: 24 * 1024 });
    expect(defaults.maxEnvironments).toBe(200);
    // 200 one-CPU, 512 MiB hosts of circus-basics plus warm pools fit in the budgets.
    expect(defaults.cpuBudget).toBeGreaterThanOrEqual(200 + 20);
    expect(defaults.memoryBudgetMiB).toBeGreaterThanOrEqual((200 + 20) * 512);
  });

  it("is bounded by memory on a small machine, by cores on a large one, and never below 20 or above 1000", () => {
    expect(capacityDefaults({ cores: 8, memoryMiB: 4 * 1024 }).maxEnvironments).toBe(32);
    expect(capacityDefaults({ cores: 1, memoryMiB: 2 * 1024 }).maxEnvironments).toBe(20);
    expect(capacityDefaults({ cores: 4, memoryMiB: 64 * 1024 }).maxEnvironments).toBe(400);
    expect(capacityDefaults({ cores: 64, memoryMiB: 512 * 1024 }).maxEnvironments).toBe(1000);
  });

  it("sizes creates by cores and lets each scenario's warm pool grow for a burst of a twentieth of the learners", () => {
    const reference = capacityDefaults({ cores: 2, memoryMiB: 24 * 1024 });
    expect(reference.maxConcurrentCreates).toBe(4);
    expect(reference.warmPoolMax).toBe(10);
    expect(reference.terminalSocketsMax).toBe(2000);
    expect(reference.eventStreamsMax).toBe(1000);
    const small = capacityDefaults({ cores: 1, memoryMiB: 2 * 1024 });
    expect(small.maxConcurrentCreates).toBe(2);
    expect(small.warmPoolMax).toBe(2);
    const large = capacityDefaults({ cores: 64, memoryMiB: 512 * 1024 });
    expect(large.maxConcurrentCreates).toBe(16);
    expect(large.warmPoolMax).toBe(20);
    expect(large.terminalSocketsMax).toBe(8000);
    expect(large.eventStreamsMax).toBe(4000);
  });

  it("keeps budget beside 200 learners for one scenario's pool grown to its most", () => {
    const reference = capacityDefaults({ cores: 2, memoryMiB: 24 * 1024 });
    // 200 one-CPU learners + every catalog scenario's pool of 1 (about 25 hosts) + one pool grown to its most.
    expect(reference.cpuBudget).toBeGreaterThanOrEqual(200 + 25 + reference.warmPoolMax);
  });
});
