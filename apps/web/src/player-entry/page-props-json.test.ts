import { describe, expect, it } from "vitest";
import { pagePropsJson } from "./page-props-json";

describe("pagePropsJson", () => {
  it("writes JSON that no text in the props can close the script element with, and reads back the same", () => {
    const props = { title: "</script><script>alert(1)</script>", html: "<!-- & -->", lines: "a\u2028b\u2029c" };
    const text = pagePropsJson(props);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(props);
  });
});
