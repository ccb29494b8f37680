import { describe, expect, it } from "vitest";
import { editorPathSchema } from "./editor-files";

describe("editorPathSchema", () => {
  it("accepts absolute and home paths and normalises them", () => {
    expect(editorPathSchema.parse("/etc/nginx//nginx.conf")).toBe("/etc/nginx/nginx.conf");
    expect(editorPathSchema.parse("~/app/main.py")).toBe("/root/app/main.py");
    expect(editorPathSchema.parse("~")).toBe("/root");
  });

  it.each(["app/main.py", "../etc/passwd", "/root/../etc/shadow", "~user/x", "", "/a\0b"])("refuses %j", (path) => {
    expect(editorPathSchema.safeParse(path).success).toBe(false);
  });
});
