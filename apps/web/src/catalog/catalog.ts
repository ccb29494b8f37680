// The catalog: every valid scenario by id, plus the summaries the catalog page lists.
// Framework-free, so the player and the CLI can read the same thing the pages do.
import type { Difficulty, Scenario, ScenarioFormat } from "@circus/scenario";

/** What a catalog card shows about a scenario. */
export interface CatalogEntry {
  id: string;
  title: string;
  description: string;
  difficulty: Difficulty;
  durationMinutes?: number;
  tags: string[];
  format: ScenarioFormat;
  credits?: string;
  stepCount: number;
  /** What the original environment had that this deployment cannot start, shown on the card. */
  unavailable?: string;
}

export interface Catalog {
  /** Summaries, sorted by title. */
  readonly entries: readonly CatalogEntry[];
  readonly scenarios: ReadonlyMap<string, Scenario>;
  /** Each scenario's folder (absolute), where its assets are read from; absent for catalogs built without folders. */
  readonly directories: ReadonlyMap<string, string>;
}

export function summarizeScenario(scenario: Scenario): CatalogEntry {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    difficulty: scenario.difficulty,
    durationMinutes: scenario.durationMinutes,
    tags: scenario.tags,
    format: scenario.format,
    credits: scenario.credits,
    stepCount: scenario.steps.length,
    ...(scenario.unavailable ? { unavailable: scenario.unavailable } : {}),
  };
}

export function createCatalog(
  scenarios: readonly Scenario[],
  directories: ReadonlyMap<string, string> = new Map(),
): Catalog {
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const entries = [...byId.values()]
    .map(summarizeScenario)
    .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  return { entries, scenarios: byId, directories };
}
