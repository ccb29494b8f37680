import { describe, expect, it } from "vitest";
import { routeUpgrade } from "./upgrade-routing";

describe("routeUpgrade", () => {
  it("keeps /ws/ for the terminal sockets in every mode", () => {
    expect(routeUpgrade("/ws/terminal/abc?token=1", false)).toBe("terminal");
    expect(routeUpgrade("/ws", true)).toBe("terminal");
  });

  it("leaves other paths to Next in dev (hot reload) and refuses them in production", () => {
    expect(routeUpgrade("/_next/hmr", true)).toBe("next");
    expect(routeUpgrade("/_next/hmr", false)).toBe("refuse");
    expect(routeUpgrade("/wsx", false)).toBe("refuse");
    expect(routeUpgrade(undefined, false)).toBe("refuse");
  });
});
