import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../../../../catalog/catalog";
import { nextScenarios } from "./next-scenarios";

const entry = (id: string, tags: string[]): CatalogEntry => ({
  id,
  title: id.toUpperCase(),
  description: "",
  difficulty: "beginner",
  tags,
  format: "circus",
  stepCount: 1,
});

describe("nextScenarios", () => {
  const catalog = [
    entry("current", ["linux", "shell"]),
    entry("b-one-tag", ["linux"]),
    entry("a-one-tag", ["shell"]),
    entry("two-tags", ["shell", "linux"]),
    entry("unrelated", ["kubernetes"]),
  ];

  it("lists others sharing a tag, most shared tags first, then by title, never the scenario itself", () => {
    expect(nextScenarios(catalog, catalog[0]!).map((e) => e.id)).toEqual(["two-tags", "a-one-tag", "b-one-tag"]);
  });

  it("keeps to the limit and is empty for a scenario without tags", () => {
    expect(nextScenarios(catalog, catalog[0]!, 1).map((e) => e.id)).toEqual(["two-tags"]);
    expect(nextScenarios(catalog, { id: "x", tags: [] })).toEqual([]);
  });
});
