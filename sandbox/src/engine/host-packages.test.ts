import { describe, expect, it } from "vitest";
import { ToolMissingError } from "../errors";
import { ensureHostTool, findExecutable } from "./host-packages";

describe("ensureHostTool", () => {
  it("returns a tool that is installed without touching apt", async () => {
    const steps: unknown[] = [];
    const path = await ensureHostTool("sh", "dash", { allowInstall: false, onProgress: (event) => steps.push(event) });
    expect(path).toMatch(/\/sh$/);
    expect(steps).toEqual([]);
  });

  it("says exactly what to install when installing is not allowed", async () => {
    const failure = await ensureHostTool("circus-no-such-tool", "circus-no-such-package", {
      allowInstall: false,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ToolMissingError);
    expect((failure as ToolMissingError).remedy).toContain("apt-get install -y circus-no-such-package");
  });
});

describe("findExecutable", () => {
  it("finds programs in sbin folders too, and nothing for unknown names", async () => {
    expect(await findExecutable("ls")).toMatch(/\/ls$/);
    expect(await findExecutable("circus-no-such-tool")).toBeUndefined();
  });
});
