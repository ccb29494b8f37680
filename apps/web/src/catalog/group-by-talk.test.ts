import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "./catalog";
import { groupByTalk, talkHeading } from "./group-by-talk";

function entry(id: string, tags: string[]): CatalogEntry {
  return { id, title: id, description: "", difficulty: "beginner", tags, format: "circus", stepCount: 1 };
}

describe("groupByTalk", () => {
  it("groups scenarios by their talk tag, sorted by heading, with the rest last", () => {
    const groups = groupByTalk([
      entry("mesh", ["talk:weave-mesh", "crdt"]),
      entry("basics", ["linux"]),
      entry("calico", ["talk:project-calico"]),
      entry("net", ["talk:weave-mesh"]),
    ]);
    expect(groups.map((g) => [g.heading, g.entries.map((e) => e.id)])).toEqual([
      ["Project Calico", ["calico"]],
      ["Weave Mesh", ["mesh", "net"]],
      ["More scenarios", ["basics"]],
    ]);
    expect(groups[0]!.tag).toBe("talk:project-calico");
    expect(groups[2]!.tag).toBeUndefined();
  });

  it("ignores an empty talk tag and makes readable headings", () => {
    expect(groupByTalk([entry("a", ["talk:"])])).toEqual([
      { heading: "More scenarios", entries: [entry("a", ["talk:"])] },
    ]);
    expect(talkHeading("talk:what-is-cloud-native")).toBe("What Is Cloud Native");
  });
});
