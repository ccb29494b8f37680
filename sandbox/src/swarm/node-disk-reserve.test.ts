import { describe, expect, it } from "vitest";
import { parseEnvironmentSpec } from "../environments/environment";
import { hostServiceSpec } from "./host-service";
import { DISK_RESERVE_CONSTRAINT, freeMiBOfDf, remeasureAfterMs } from "./node-disk-reserve";

describe("freeMiBOfDf", () => {
  it("reads the available KiB of df -Pk as MiB", () => {
    const output = [
      "Filesystem     1024-blocks      Used Available Capacity Mounted on",
      "/dev/vda        264212480  47335424  59057152      45% /data-root",
    ].join("\r\n");
    expect(freeMiBOfDf(output)).toBe(57673);
  });

  it("says what it got when the output has no filesystem line", () => {
    expect(() => freeMiBOfDf("df: /data-root: No such file or directory")).toThrow(/unexpected df output/);
  });
});

describe("remeasureAfterMs", () => {
  it("measures a node with four reserves of headroom every fourth interval, any other every interval", () => {
    expect(remeasureAfterMs(5 * 4096, 4096, 30_000)).toBe(120_000);
    expect(remeasureAfterMs(5 * 4096 - 1, 4096, 30_000)).toBe(30_000);
    expect(remeasureAfterMs(4096, 4096, 30_000)).toBe(30_000);
    expect(remeasureAfterMs(100, 4096, 30_000)).toBe(30_000);
  });
});

describe("host services", () => {
  it("are placed only on nodes the runtime did not label below the disk reserve", () => {
    const [host] = parseEnvironmentSpec({
      hosts: [{ name: "main", image: "circus/base" }],
      ttlSeconds: 60,
      idleTimeoutSeconds: 60,
    }).hosts;
    const spec = hostServiceSpec({
      environmentId: "e1",
      host: host!,
      labels: {},
      networkName: "circus-e1",
      registry: "10.0.0.5:5000",
    }) as { TaskTemplate: { Placement: { Constraints: string[] } } };
    expect(spec.TaskTemplate.Placement.Constraints).toEqual([DISK_RESERVE_CONSTRAINT]);
    expect(DISK_RESERVE_CONSTRAINT).toBe("node.labels.circus.disk-reserve != low");
  });
});
