// The loaded catalog, shared between the custom server (which loads it at start-up) and the pages.
// Next bundles its own copy of this module, so the catalog lives on globalThis, not in a module variable.
import type { Scenario } from "@circus/scenario";
import type { Catalog, CatalogEntry } from "./catalog";

const STORE_KEY = Symbol.for("circus.web.catalog");

type StoreHolder = { [STORE_KEY]?: Catalog };

export class CatalogNotLoadedError extends Error {
  override name = "CatalogNotLoadedError";
  readonly code = "catalog_not_loaded";
  readonly remedy = "start the app through its server (`npm run start -w @circus/web`), not `next start`";
  constructor() {
    super("the scenario catalog has not been loaded (start the app through server.ts, not `next start`)");
  }
}

export function publishCatalog(catalog: Catalog): void {
  (globalThis as StoreHolder)[STORE_KEY] = catalog;
}

export function isCatalogReady(): boolean {
  return (globalThis as StoreHolder)[STORE_KEY] !== undefined;
}

function currentCatalog(): Catalog {
  const catalog = (globalThis as StoreHolder)[STORE_KEY];
  if (!catalog) throw new CatalogNotLoadedError();
  return catalog;
}

/** Every scenario in the catalog, summarized and sorted by title. */
export function getCatalog(): readonly CatalogEntry[] {
  return currentCatalog().entries;
}

export function getScenario(id: string): Scenario | undefined {
  return currentCatalog().scenarios.get(id);
}

/** The folder a catalog scenario was loaded from (its assets live in `<folder>/assets/`). */
export function getScenarioDirectory(id: string): string | undefined {
  return currentCatalog().directories.get(id);
}
