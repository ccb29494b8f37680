import { describe, expect, it } from "vitest";
import { InvalidFilePathError } from "../errors";
import { resolveSandboxPath } from "./sandbox-path";

describe("resolveSandboxPath", () => {
  it("expands ~ to /root and normalises", () => {
    expect(resolveSandboxPath("~")).toBe("/root");
    expect(resolveSandboxPath("~/a//b/./c")).toBe("/root/a/b/c");
    expect(resolveSandboxPath("/etc/hosts")).toBe("/etc/hosts");
  });

  it.each(["relative", "~user/x", "/a/../b", "/a/\0b", ""])("rejects %j", (path) => {
    expect(() => resolveSandboxPath(path)).toThrow(InvalidFilePathError);
  });
});
