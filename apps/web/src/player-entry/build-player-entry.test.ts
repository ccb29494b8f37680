import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlayerEntry } from "./build-player-entry";
import { PlayerEntryManifestSchema } from "./player-entry-manifest";

const scratch = mkdtempSync(join(tmpdir(), "circus-player-entry-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the player's own client entry", () => {
  it("bundles React DOM, xterm.js and the player without any of Next's client runtime, within 200 KiB gzip", async () => {
    const outDir = join(scratch, "out");
    const manifestFile = join(scratch, "manifest.json");
    const { manifest, inputs } = await buildPlayerEntry({ outDir, manifestFile });

    expect(PlayerEntryManifestSchema.parse(JSON.parse(readFileSync(manifestFile, "utf8")))).toEqual(manifest);
    expect(inputs.filter((input) => input.includes("node_modules/next/"))).toEqual([]);
    expect(inputs.some((input) => input.includes("node_modules/react-dom/"))).toBe(true);
    expect(manifest.entry).toMatch(/^\/_next\/static\/circus-player\/player-[A-Z0-9]+\.js$/);
    // What the first prompt needs is preloaded: xterm.js and its fit and links addons, not the WebGL one.
    expect(manifest.preload.some((href) => /\/xterm-[A-Z0-9]+\.js$/.test(href))).toBe(true);
    expect(manifest.preload.some((href) => /\/addon-fit-[A-Z0-9]+\.js$/.test(href))).toBe(true);
    expect(manifest.preload.some((href) => href.includes("addon-webgl"))).toBe(false);

    const fileOf = (href: string) => join(outDir, href.split("/").pop() ?? "");
    const gzipKib =
      [manifest.entry, ...manifest.preload].reduce(
        (sum, href) => sum + gzipSync(readFileSync(fileOf(href)), { level: 6 }).length,
        0,
      ) / 1024;
    expect(gzipKib).toBeLessThanOrEqual(200);
    // Lazily loaded parts stay out of what is preloaded: the editor's CodeMirror, zod.
    for (const href of [manifest.entry, ...manifest.preload]) {
      const text = readFileSync(fileOf(href), "utf8");
      expect(text).not.toContain("cm-content");
      expect(text).not.toContain("$ZodType");
    }
  }, 60_000);
});
