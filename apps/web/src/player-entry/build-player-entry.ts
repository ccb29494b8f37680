// Builds the player page's own client entry (player-entry.tsx: React DOM, xterm.js and the player, without
// Next's client runtime) with esbuild into .next/static/circus-player/, content-hashed, and writes the
// manifest the server reads (player-entry-manifest.ts). Run after `next build` (which empties .next).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { PLAYER_ENTRY_MANIFEST, PLAYER_ENTRY_OUT_DIR, type PlayerEntryManifest } from "./player-entry-manifest";

const APP_DIR = fileURLToPath(new URL("../..", import.meta.url));
const HERE = join(APP_DIR, "src", "player-entry");
const OUT_DIR = join(APP_DIR, PLAYER_ENTRY_OUT_DIR);
/** The modules the first prompt needs besides the entry's own imports (imported by the terminal view). */
const FIRST_PROMPT_MODULES = /node_modules\/@xterm\/(xterm|addon-fit|addon-web-links)\//;

export interface PlayerEntryBuild {
  manifest: PlayerEntryManifest;
  /** The source files bundled (relative to the app's folder), in the entry or its lazily loaded modules. */
  inputs: string[];
}

/** `outDir` and `manifestFile` (absolute) default to the production build's (player-entry-manifest.ts). */
export async function buildPlayerEntry(
  options: { outDir?: string; manifestFile?: string } = {},
): Promise<PlayerEntryBuild> {
  const outDir = options.outDir ?? OUT_DIR;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: APP_DIR,
    entryPoints: { player: join(HERE, "player-entry.tsx") },
    outdir: outDir,
    entryNames: "[name]-[hash]",
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    jsx: "automatic",
    metafile: true,
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"' },
    // No client router runs on the page: its stand-ins (see each file). The workshop banner, shared with an
    // App Router page, takes its router from next/navigation.
    alias: {
      "next/router": join(HERE, "next-router.ts"),
      "next/navigation": join(HERE, "next-router.ts"),
      "next/dynamic": join(HERE, "next-dynamic.tsx"),
      "next/head": join(HERE, "next-head.ts"),
    },
    // The page's styles come with the server's HTML (_app's global CSS).
    loader: { ".css": "empty" },
  });
  const manifest = manifestOf(result.metafile, outDir);
  writeFileSync(options.manifestFile ?? join(APP_DIR, PLAYER_ENTRY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, inputs: Object.keys(result.metafile.inputs) };
}

function manifestOf(metafile: Metafile, outDir: string): PlayerEntryManifest {
  const outputs = Object.entries(metafile.outputs);
  const urlOf = (file: string) => `/_next/static/circus-player/${relative(outDir, join(APP_DIR, file))}`;
  const entry = outputs.find(([, output]) => output.entryPoint?.endsWith("player-entry.tsx"))?.[0];
  if (!entry) throw new Error("esbuild wrote no output for player-entry.tsx");
  const needed = new Set<string>();
  const addWithImports = (file: string) => {
    if (needed.has(file)) return;
    needed.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === "import-statement") addWithImports(imported.path);
    }
  };
  addWithImports(entry);
  for (const [file, output] of outputs) {
    if (output.entryPoint && FIRST_PROMPT_MODULES.test(output.entryPoint)) addWithImports(file);
  }
  needed.delete(entry);
  return {
    entry: urlOf(entry),
    preload: [...needed]
      .filter((file) => file.endsWith(".js"))
      .map(urlOf)
      .sort(),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { manifest } = await buildPlayerEntry();
  process.stdout.write(`player entry: ${manifest.entry} (+${manifest.preload.length} modules preloaded)\n`);
}
