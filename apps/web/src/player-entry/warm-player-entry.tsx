// For an App Router page whose button opens the player with a document load (a workshop's Start): the
// player's client entry and the modules its first prompt needs are fetched (<link rel="modulepreload">, with
// the request's CSP nonce) while the learner reads, so the player page finds them in the browser's cache.
import { headers } from "next/headers";
import { preloadModule } from "react-dom";
import { nonceFromPolicy } from "../player-pages/request-nonce";
import { publishedPlayerEntry } from "./player-entry-manifest";

export async function WarmPlayerEntry(): Promise<null> {
  const entry = publishedPlayerEntry();
  if (!entry) return null;
  const nonce = nonceFromPolicy((await headers()).get("content-security-policy") ?? undefined);
  for (const href of [entry.entry, ...entry.preload]) preloadModule(href, { as: "script", nonce });
  return null;
}
