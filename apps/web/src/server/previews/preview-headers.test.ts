import { describe, expect, it } from "vitest";
import { previewResponseHeaders, rewriteLocation, upstreamRequestHeaders } from "./preview-headers";

const context = { port: 8000, prefix: "/preview/r/web/8000" };

describe("upstreamRequestHeaders", () => {
  it("strips Circus credentials, hop-by-hop headers and forwarding headers, and rewrites Host", () => {
    const headers = upstreamRequestHeaders(
      {
        host: "circus.example:3000",
        cookie: "circus_learner=abc.def; circus_csrf=t",
        authorization: "Bearer x",
        "x-circus-csrf": "t",
        connection: "keep-alive, x-secret-hop",
        "x-secret-hop": "1",
        "keep-alive": "timeout=5",
        upgrade: "websocket",
        "transfer-encoding": "chunked",
        "x-forwarded-for": "10.0.0.1",
        accept: "text/html",
        "content-type": "application/json",
      },
      context,
    );
    expect(headers).toEqual({
      host: "localhost:8000",
      accept: "text/html",
      "content-type": "application/json",
      "x-forwarded-prefix": "/preview/r/web/8000",
    });
  });
});

describe("previewResponseHeaders", () => {
  it("sandboxes the response, drops cookies, Clear-Site-Data and the upstream's own framing policy", () => {
    const headers = previewResponseHeaders(
      {
        "content-type": "text/html",
        "set-cookie": ["session=1"],
        "content-security-policy": "default-src *",
        "x-frame-options": "ALLOWALL",
        "clear-site-data": '"cookies", "storage"',
        connection: "close",
        location: "/login",
      },
      context,
    );
    expect(headers).toEqual({
      "content-type": "text/html",
      location: "/preview/r/web/8000/login",
      "content-security-policy": "sandbox allow-scripts allow-forms allow-popups",
      "x-frame-options": "SAMEORIGIN",
    });
  });
});

describe("rewriteLocation", () => {
  it("keeps redirects to the sandbox's own server inside the preview", () => {
    expect(rewriteLocation("/a?b=1", context)).toBe("/preview/r/web/8000/a?b=1");
    expect(rewriteLocation("http://localhost:8000/x", context)).toBe("/preview/r/web/8000/x");
    expect(rewriteLocation("http://127.0.0.1:8000", context)).toBe("/preview/r/web/8000/");
  });

  it("resolves relative redirects against the request, inside the preview", () => {
    const deep = { ...context, upstreamPath: "/app/page?x=1" };
    expect(rewriteLocation("next", deep)).toBe("/preview/r/web/8000/app/next");
    expect(rewriteLocation("../up#top", deep)).toBe("/preview/r/web/8000/up#top");
    expect(rewriteLocation("?page=2", deep)).toBe("/preview/r/web/8000/app/page?page=2");
  });

  it("sends every redirect that would leave the preview to the preview's root", () => {
    const deep = { ...context, upstreamPath: "/app/page" };
    for (const outside of [
      "//evil.example/",
      "/\\evil.example/",
      "https://example.org/",
      "http://localhost:9000/x",
      "../../../../api/runs/other/stop",
      "/../../../other-run/web/8000/",
      "/%2e%2e/%2e%2e/%2e%2e/api/me/workshop",
      "javascript:alert(1)",
      "http://[::1/",
    ]) {
      expect(rewriteLocation(outside, deep), outside).toBe("/preview/r/web/8000/");
    }
  });
});
