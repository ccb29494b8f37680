import { describe, expect, it } from "vitest";
import { checkpointLabelChanges, checkpointTag } from "./checkpoint-labels";

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
});
