// Dev-scenario mode of the server (`circus dev`, CIRCUS_DEV_SCENARIO): the catalog is the one watched
// scenario, republished on each save, and `GET /api/dev/scenarios/:scenarioId/events` streams each
// reload (Server-Sent Events) so the player re-fetches its steps or shows the validation errors.
import { z } from "zod";
import type { Catalog } from "../../catalog/catalog";
import { publishCatalog } from "../../catalog/catalog-store";
import { DEV_SCENARIO_EVENT, type DevScenarioEvent } from "../../catalog/dev-scenario-event";
import { watchScenario } from "../../catalog/watch-scenario";
import type { Logger } from "../../logger";
import { AppError } from "../http/errors";
import { defineRoute, type Route } from "../http/router";
import { type EventStream, openEventStream } from "../workshops/event-stream";

/** Comment lines keep idle streams open through proxies. */
const HEARTBEAT_MS = 15_000;

export interface DevScenarioMode {
  /** The catalog of the scenario's last valid version (read at each lookup: it changes on save). */
  catalog(): Catalog;
  /** The event stream route, for the API router. */
  readonly routes: readonly Route[];
  /** Stops watching and closes the open streams. */
  dispose(): void;
}

export async function startDevScenarioMode(dir: string, logger: Logger): Promise<DevScenarioMode> {
  const log = logger.child({ module: "dev-scenario", dir });
  const watch = await watchScenario(dir, {
    publish: publishCatalog,
    onError: (error) => log.error({ err: error }, "watching the scenario failed"),
  });
  const summarize = (state: DevScenarioEvent) => ({
    scenario: state.scenarioId,
    version: state.version,
    status: state.status,
    errors: state.errors.slice(0, 3).map((e) => `${e.file}:${e.line}:${e.column} ${e.code}: ${e.message}`),
    warnings: state.warnings.length,
  });
  log.info(summarize(watch.state), "watching the scenario; saved files reload it");
  const stopLogging = watch.onChange((state) =>
    state.status === "valid"
      ? log.info(summarize(state), "scenario reloaded")
      : log.warn(summarize(state), "scenario invalid"),
  );

  const streams = new Set<EventStream>();
  const eventsRoute = defineRoute({
    method: "GET",
    path: "/api/dev/scenarios/:scenarioId/events",
    params: z.object({ scenarioId: z.string().min(1) }),
    handle: async ({ params, req, res }) => {
      if (params.scenarioId !== watch.state.scenarioId) {
        throw new AppError("not_found", "This server previews another scenario.");
      }
      const stream = openEventStream(req, res, { heartbeatMs: HEARTBEAT_MS });
      streams.add(stream);
      // The current state first, so a page opened while the files are broken shows the errors at once.
      stream.send(DEV_SCENARIO_EVENT, watch.state);
      const stop = watch.onChange((state) => stream.send(DEV_SCENARIO_EVENT, state));
      stream.onClose(() => {
        stop();
        streams.delete(stream);
      });
      return undefined;
    },
  });

  return {
    catalog: () => watch.catalog,
    routes: [eventsRoute],
    dispose() {
      stopLogging();
      watch.dispose();
      for (const stream of [...streams]) stream.close();
    },
  };
}
