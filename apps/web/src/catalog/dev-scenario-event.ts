// What the dev-scenario event stream (`GET /api/dev/scenarios/:id/events`) tells the player after each
// reload of the watched scenario: a version to compare, and the problems when the files do not load.
// Framework-free and without @circus/scenario, so the browser bundle can parse it too.
import * as z from "zod/mini";

export const DevDiagnosticSchema = z.object({
  severity: z.enum(["error", "warning"]),
  code: z.string(),
  message: z.string(),
  fix: z.optional(z.string()),
  /** Relative to the scenario folder. */
  file: z.string(),
  line: z.int(),
  column: z.int(),
});
export type DevDiagnostic = z.infer<typeof DevDiagnosticSchema>;

export const DevScenarioEventSchema = z.object({
  scenarioId: z.string(),
  /** Grows by one at each reload; the player re-fetches the steps when it changes. */
  version: z.int().check(z.minimum(0)),
  /** `invalid`: the files on disk do not load; the catalog keeps the last valid version. */
  status: z.enum(["valid", "invalid"]),
  errors: z.array(DevDiagnosticSchema),
  warnings: z.array(DevDiagnosticSchema),
});
export type DevScenarioEvent = z.infer<typeof DevScenarioEventSchema>;

/** The SSE event name of a DevScenarioEvent. */
export const DEV_SCENARIO_EVENT = "scenario";

/** The stream's path for a scenario id. */
export function devScenarioEventsPath(scenarioId: string): string {
  return `/api/dev/scenarios/${encodeURIComponent(scenarioId)}/events`;
}
