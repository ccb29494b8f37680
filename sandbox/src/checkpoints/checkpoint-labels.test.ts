import { describe, expect, it } from "vitest";
import {
  checkpointImageLabels,
  checkpointLabelChanges,
  checkpointTag,
  groupCheckpointImages,
} from "./checkpoint-labels";

describe("checkpoint tags and labels", () => {
  it("gives one valid, stable tag per owner, kind, step and host", () => {
    const key = { owner: "-Ab_c9XYZ", step: 2, kind: "step" as const };
    const tag = checkpointTag(key, "node1");
    expect(tag).toMatch(/^c-[0-9a-f]{32}$/);
    expect(checkpointTag({ ...key }, "node1")).toBe(tag);
    const others = [
      checkpointTag(key, "node2"),
      checkpointTag({ ...key, step: 3 }, "node1"),
      checkpointTag({ ...key, kind: "saved" }, "node1"),
      checkpointTag({ ...key, owner: "other" }, "node1"),
    ];
    expect(new Set([tag, ...others]).size).toBe(5);
  });

  it("quotes label values so that spaces and quotes survive the LABEL instruction", () => {
    expect(checkpointLabelChanges({ "circus.checkpoint.owner": 'a "b" c', empty: "" })).toEqual([
      'LABEL "circus.checkpoint.owner"="a \\"b\\" c"',
      'LABEL "empty"=""',
    ]);
  });

  it("groups labelled images into checkpoints: step ones by step, then saved ones; hosts by name; unlabelled skipped", () => {
    const takenAt = new Date("2026-01-02T03:04:05Z");
    const record = (owner: string, kind: "step" | "saved", step: number, host: string, sizeBytes: number) => ({
      image: `circus-checkpoint:${checkpointTag({ owner, kind, step }, host)}`,
      labels: checkpointImageLabels({ owner, kind, step }, host, takenAt, { "circus.scope": "s" }),
      sizeBytes,
    });
    const grouped = groupCheckpointImages([
      record("run", "saved", 1, "b", 5),
      record("run", "step", 1, "b", 3),
      record("run", "step", 1, "a", 4),
      record("run", "step", 0, "a", 1),
      { image: "circus-checkpoint:other", labels: { "circus.scope": "s" }, sizeBytes: 9 },
    ]);
    expect(grouped.map((each) => [each.kind, each.step, each.hosts.map((host) => host.name), each.sizeBytes])).toEqual([
      ["step", 0, ["a"], 1],
      ["step", 1, ["a", "b"], 7],
      ["saved", 1, ["b"], 5],
    ]);
    expect(grouped[0]?.takenAt).toEqual(takenAt);
    expect(grouped[0]?.owner).toBe("run");
  });
});
