import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "./catalog";
import { filterCatalog, listTags, parseCatalogFilter } from "./filter-catalog";

function entry(overrides: Partial<CatalogEntry> & Pick<CatalogEntry, "id" | "title">): CatalogEntry {
  return { description: "", difficulty: "beginner", tags: [], format: "circus", stepCount: 1, ...overrides };
}

const entries: CatalogEntry[] = [
  entry({ id: "docker-basics", title: "Docker basics", description: "Run your first container", tags: ["docker"] }),
  entry({
    id: "k8s-pods",
    title: "Kubernetes pods",
    description: "Schedule a pod",
    difficulty: "intermediate",
    tags: ["kubernetes", "Containers"],
  }),
  entry({
    id: "ebpf-tracing",
    title: "Tracing with eBPF",
    description: "Trace syscalls in a container",
    difficulty: "advanced",
    tags: ["linux", "containers"],
    format: "katacoda",
  }),
];

const ids = (list: CatalogEntry[]) => list.map((e) => e.id);

describe("filterCatalog", () => {
  it("returns every entry when the filter is empty", () => {
    expect(ids(filterCatalog(entries, {}))).toEqual(["docker-basics", "k8s-pods", "ebpf-tracing"]);
  });

  it("matches q case-insensitively against title, description, id and tags", () => {
    expect(ids(filterCatalog(entries, { q: "KUBERNETES" }))).toEqual(["k8s-pods"]);
    expect(ids(filterCatalog(entries, { q: "syscalls" }))).toEqual(["ebpf-tracing"]);
    expect(ids(filterCatalog(entries, { q: "k8s" }))).toEqual(["k8s-pods"]);
    expect(ids(filterCatalog(entries, { q: "linux" }))).toEqual(["ebpf-tracing"]);
  });

  it("requires every word of q to appear", () => {
    expect(ids(filterCatalog(entries, { q: "container run" }))).toEqual(["docker-basics"]);
    expect(ids(filterCatalog(entries, { q: "container nothing-like-this" }))).toEqual([]);
  });

  it("keeps only entries carrying the tag, ignoring case", () => {
    expect(ids(filterCatalog(entries, { tag: "containers" }))).toEqual(["k8s-pods", "ebpf-tracing"]);
    expect(ids(filterCatalog(entries, { tag: "contain" }))).toEqual([]);
  });

  it("keeps only entries of the difficulty", () => {
    expect(ids(filterCatalog(entries, { difficulty: "advanced" }))).toEqual(["ebpf-tracing"]);
  });

  it("combines q, tag and difficulty", () => {
    expect(ids(filterCatalog(entries, { q: "container", tag: "containers", difficulty: "advanced" }))).toEqual([
      "ebpf-tracing",
    ]);
    expect(ids(filterCatalog(entries, { q: "docker", tag: "containers" }))).toEqual([]);
  });
});

describe("parseCatalogFilter", () => {
  it("trims values, takes the first of repeated ones and drops empty ones", () => {
    expect(parseCatalogFilter({ q: "  pods ", tag: ["linux", "docker"], difficulty: "" })).toEqual({
      q: "pods",
      tag: "linux",
      difficulty: undefined,
    });
  });

  it("ignores an unknown difficulty instead of failing", () => {
    expect(parseCatalogFilter({ difficulty: "impossible" }).difficulty).toBeUndefined();
    expect(parseCatalogFilter({ difficulty: "intermediate" }).difficulty).toBe("intermediate");
  });
});

describe("listTags", () => {
  it("lists each tag once, ignoring case, sorted", () => {
    expect(listTags(entries)).toEqual(["Containers", "docker", "kubernetes", "linux"]);
  });
});
