"use client";
// Parts of the player's page that only some runs show, loaded only when shown: the live preview of
// `circus dev` and a workshop's banner. Both check their event streams with zod, which the player's own
// code does not load (contract-shapes.ts), so zod stays out of the page's first scripts.
import dynamic from "next/dynamic";

export const DevReload = dynamic(() => import("./dev-reload").then((module) => module.DevReload));
export const WorkshopBanner = dynamic(() =>
  import("../workshops-ui/workshop-banner").then((module) => module.WorkshopBanner),
);
