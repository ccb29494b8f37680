// Where the player's own client entry is, once built (build-player-entry.ts writes it beside Next's build):
// loaded by the server at start in production and read by _document.tsx, which Next bundles apart (so it
// is shared through globalThis, as the server context is).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const PlayerEntryManifestSchema = z.object({
  /** The entry module's URL (content-hashed, under /_next/static/, served immutable by Next). */
  entry: z.string().startsWith("/_next/static/"),
  /** The modules the first prompt needs (the entry's imports and xterm.js's), for <link rel="modulepreload">. */
  preload: z.array(z.string().startsWith("/_next/static/")),
});
export type PlayerEntryManifest = z.infer<typeof PlayerEntryManifestSchema>;

/** Relative to the app's folder. */
export const PLAYER_ENTRY_MANIFEST = join(".next", "circus-player-entry.json");
/** Relative to the app's folder; served by Next as /_next/static/circus-player/. */
export const PLAYER_ENTRY_OUT_DIR = join(".next", "static", "circus-player");

export class PlayerEntryMissingError extends Error {
  override readonly name = "PlayerEntryMissingError";
}

export function loadPlayerEntryManifest(appDir: string): PlayerEntryManifest {
  const file = join(appDir, PLAYER_ENTRY_MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PlayerEntryMissingError(
      `The player's client entry is not built (${PLAYER_ENTRY_MANIFEST} is missing): run \`npm run build -w @circus/web\`, which builds it after Next's build.`,
    );
  }
  return PlayerEntryManifestSchema.parse(JSON.parse(text));
}

const MANIFEST_KEY = Symbol.for("circus.web.player-entry");

/** Set once at start in production; undefined in dev, where Next's runtime hydrates the player. */
export function publishPlayerEntry(manifest: PlayerEntryManifest | undefined): void {
  (globalThis as { [MANIFEST_KEY]?: PlayerEntryManifest })[MANIFEST_KEY] = manifest;
}

export function publishedPlayerEntry(): PlayerEntryManifest | undefined {
  return (globalThis as { [MANIFEST_KEY]?: PlayerEntryManifest })[MANIFEST_KEY];
}
