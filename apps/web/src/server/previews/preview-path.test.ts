import { describe, expect, it } from "vitest";
import { parsePreviewPath } from "./preview-path";

describe("parsePreviewPath", () => {
  it("splits a preview URL into the run, host, port and the upstream path with its query", () => {
    expect(parsePreviewPath("/preview/run_1/web/8080/static/app.js?v=2")).toEqual({
      kind: "preview",
      address: {
        runId: "run_1",
        host: "web",
        port: 8080,
        upstreamPath: "/static/app.js?v=2",
        prefix: "/preview/run_1/web/8080",
      },
    });
    expect(parsePreviewPath("/preview/r/web/80/")).toMatchObject({ kind: "preview", address: { upstreamPath: "/" } });
  });

  it("redirects the bare preview root to its slash form", () => {
    expect(parsePreviewPath("/preview/r/web/80?x=1")).toEqual({
      kind: "add_slash",
      location: "/preview/r/web/80/?x=1",
    });
  });

  it("refuses bad ports and hosts, and ignores other paths", () => {
    for (const url of [
      "/preview/r/web/0/",
      "/preview/r/web/65536/",
      "/preview/r/web/08/",
      "/preview/r/Web/80/",
      "/preview/r",
    ]) {
      expect(parsePreviewPath(url)).toEqual({ kind: "invalid" });
    }
    expect(parsePreviewPath("/api/runs")).toBeUndefined();
    expect(parsePreviewPath("/previewx/r/web/80/")).toBeUndefined();
  });
});
