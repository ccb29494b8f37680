import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "./load-catalog";

// The end-to-end fixtures: two valid scenarios (native and KataCoda) and one with an invalid difficulty.
const FIXTURES = join(import.meta.dirname, "../../e2e/fixtures/scenarios");
const scratch = mkdtempSync(join(tmpdir(), "circus-web-catalog-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("loadCatalog", () => {
  it("keeps the valid scenarios, summarized and sorted by title, and rejects the broken one with its errors", async () => {
    const { catalog, rejected } = await loadCatalog(FIXTURES);
    expect(catalog.entries.map((entry) => entry.id)).toEqual([
      "two-hosts",
      "zirconium-katacoda",
      "zirconium-killercoda",
      "zirconium-native",
    ]);
    const byId = (id: string) => catalog.entries.find((entry) => entry.id === id);
    expect(byId("zirconium-native")).toEqual({
      id: "zirconium-native",
      title: "Zirconium native fixture",
      description: "A native Circus scenario that only the end-to-end tests load.",
      difficulty: "advanced",
      durationMinutes: 5,
      tags: ["e2e-fixture", "testing"],
      format: "circus",
      credits: "The Circus end-to-end tests",
      stepCount: 2,
    });
    expect(byId("zirconium-katacoda")).toMatchObject({ format: "katacoda", stepCount: 1 });
    expect(byId("zirconium-katacoda")?.unavailable).toBeUndefined();
    expect(byId("zirconium-killercoda")).toMatchObject({
      format: "killercoda",
      unavailable: expect.stringContaining("Kubernetes cluster is not available"),
    });
    expect(catalog.scenarios.get("zirconium-native")?.steps.map((step) => step.title)).toEqual([
      "Look around the fixture",
      "Clean up the fixture",
    ]);
    expect(rejected.map((r) => r.folder)).toEqual(["broken-front-matter"]);
    expect(rejected[0]?.errors.length).toBeGreaterThan(0);
    expect(rejected[0]?.errors.every((e) => e.severity === "error")).toBe(true);
    expect(catalog.scenarios.has("broken-front-matter")).toBe(false);
  });

  it("rejects a second scenario with an id already taken", async () => {
    cpSync(join(FIXTURES, "zirconium-native"), join(scratch, "a", "zirconium-native"), { recursive: true });
    cpSync(join(FIXTURES, "zirconium-native"), join(scratch, "b", "zirconium-native"), { recursive: true });
    const { catalog, rejected } = await loadCatalog(scratch);
    expect(catalog.entries.map((entry) => entry.id)).toEqual(["zirconium-native"]);
    expect(rejected).toEqual([
      { folder: join("b", "zirconium-native"), errors: [expect.objectContaining({ code: "duplicate-id" })] },
    ]);
  });

  it("gives an empty catalog for a folder without scenarios", async () => {
    const empty = mkdtempSync(join(scratch, "empty-"));
    const { catalog, rejected } = await loadCatalog(empty);
    expect(catalog.entries).toEqual([]);
    expect(rejected).toEqual([]);
  });
});
