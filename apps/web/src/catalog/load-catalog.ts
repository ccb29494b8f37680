// Loads every scenario folder under a root once, keeping the valid ones and reporting the rest
// with their errors, so one broken scenario never takes the catalog down.
import { relative, resolve } from "node:path";
import {
  type Diagnostic,
  findScenarioFolders,
  type LoadScenarioOptions,
  loadScenario,
  type Scenario,
} from "@circus/scenario";
import { type Catalog, createCatalog } from "./catalog";

/** A scenario folder left out of the catalog, with the errors that kept it out (most useful first). */
export interface RejectedScenario {
  /** The folder, relative to the catalog root. */
  folder: string;
  errors: Diagnostic[];
}

export interface CatalogLoad {
  catalog: Catalog;
  rejected: RejectedScenario[];
  /** Folders that loaded with warnings only, for the log. */
  warned: { folder: string; warnings: Diagnostic[] }[];
}

export async function loadCatalog(root: string, options: LoadScenarioOptions = {}): Promise<CatalogLoad> {
  const folders = await findScenarioFolders(root);
  const accepted = new Map<string, { folder: string; path: string; scenario: Scenario }>();
  const rejected: RejectedScenario[] = [];
  const warned: CatalogLoad["warned"] = [];
  for (const path of folders) {
    const folder = relative(root, path) || ".";
    const loaded = await loadScenario(path, options);
    if (!loaded.scenario) {
      rejected.push({ folder, errors: loaded.diagnostics.filter((d) => d.severity === "error") });
      continue;
    }
    const previous = accepted.get(loaded.scenario.id);
    if (previous) {
      rejected.push({ folder, errors: [duplicateIdError(loaded.scenario.id, previous.folder)] });
      continue;
    }
    accepted.set(loaded.scenario.id, { folder, path, scenario: loaded.scenario });
    const warnings = loaded.diagnostics.filter((d) => d.severity === "warning");
    if (warnings.length > 0) warned.push({ folder, warnings });
  }
  const directories = new Map([...accepted.values()].map((a) => [a.scenario.id, resolve(a.path)]));
  return {
    catalog: createCatalog(
      [...accepted.values()].map((a) => a.scenario),
      directories,
    ),
    rejected,
    warned,
  };
}

function duplicateIdError(id: string, firstFolder: string): Diagnostic {
  return {
    severity: "error",
    code: "duplicate-id",
    message: `the id "${id}" is already taken by ${firstFolder}`,
    fix: "rename one of the two folders (the id comes from the folder name)",
    file: ".",
    line: 1,
    column: 1,
  };
}
