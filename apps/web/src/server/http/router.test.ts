import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRouter, defineRoute } from "./router";

const handle = async () => ({ body: {} });
const routes = [
  defineRoute({ method: "GET", path: "/api/runs/:runId", params: z.object({ runId: z.string() }), handle }),
  defineRoute({ method: "POST", path: "/api/runs/:runId/steps/:index/check", handle }),
  defineRoute({ method: "GET", path: "/preview/:runId/:host/:port/*", handle }),
];
const router = createRouter(routes);

describe("createRouter", () => {
  it("matches patterns and decodes their parameters", () => {
    expect(router.match("GET", "/api/runs/abc%2Fd")).toEqual({
      kind: "found",
      route: routes[0],
      params: { runId: "abc/d" },
    });
    expect(router.match("POST", "/api/runs/r1/steps/2/check")).toMatchObject({ params: { runId: "r1", index: "2" } });
    expect(router.match("HEAD", "/api/runs/r1")).toMatchObject({ kind: "found" });
  });

  it("captures the rest of the path with a final *", () => {
    expect(router.match("GET", "/preview/r/node1/8080/a/b.css")).toMatchObject({
      params: { runId: "r", host: "node1", port: "8080", "*": "a/b.css" },
    });
    expect(router.match("GET", "/preview/r/node1/8080/")).toMatchObject({ params: { "*": "" } });
  });

  it("tells a wrong method from an unknown path", () => {
    expect(router.match("DELETE", "/api/runs/r1")).toEqual({ kind: "wrong_method" });
    expect(router.match("GET", "/api/runs")).toBeUndefined();
    expect(router.match("GET", "/api/runs/r1/extra")).toBeUndefined();
    expect(router.match("GET", "/api/runs/%E0%A4%A")).toBeUndefined();
  });
});
