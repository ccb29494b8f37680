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
  it("sandboxes the response, drops cookies and the upstream's own framing policy", () => {
    const headers = previewResponseHeaders(
      {
        "content-type": "text/html",
        "set-cookie": ["session=1"],
        "content-security-policy": "default-src *",
        "x-frame-options": "ALLOWALL",
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

  it("leaves relative, protocol-relative, other-port and foreign redirects alone", () => {
    expect(rewriteLocation("next", context)).toBe("next");
    expect(rewriteLocation("//evil.example/", context)).toBe("//evil.example/");
    expect(rewriteLocation("http://localhost:9000/x", context)).toBe("http://localhost:9000/x");
    expect(rewriteLocation("https://example.org/", context)).toBe("https://example.org/");
  });
});
