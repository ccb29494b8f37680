// How the run handlers find a scenario and its folder by id: from the loaded catalog.
import type { Scenario } from "@circus/scenario";
import type { Catalog } from "../../catalog/catalog";

export interface ScenarioWithDirectory {
  scenario: Scenario;
  /** Absolute folder of the scenario (its assets are under `assets/`). */
  directory: string;
}

export type ScenarioLookup = (scenarioId: string) => ScenarioWithDirectory | undefined;

/** A lookup over a catalog; `catalog` is read at each call, so a catalog published later is seen. */
export function scenarioLookupOf(catalog: () => Catalog | undefined): ScenarioLookup {
  return (scenarioId) => {
    const current = catalog();
    const scenario = current?.scenarios.get(scenarioId);
    const directory = current?.directories.get(scenarioId);
    return scenario && directory ? { scenario, directory } : undefined;
  };
}
