// Starting a lab: take a warm environment from the pool or create one, copy the scenario's assets,
// run the intro's background setup. Whatever fails after the environment exists destroys it.
import type { CommandResult, Environment, SandboxRuntime, WarmPool } from "@circus/sandbox";
import type { Scenario } from "@circus/scenario";
import { type Logger, pino } from "pino";
import { copyAssets } from "./copy-assets";
import { environmentSpecFor } from "./environment-spec-for";
import type { Lab } from "./lab";
import { runScript } from "./run-script";

export type LabStage = "queued" | "creating" | "starting" | "ready";

export interface StartLabOptions {
  runtime: SandboxRuntime;
  scenario: Scenario;
  /** The scenario's folder; assets are read from its `assets/` folder. */
  scenarioDir: string;
  /** Who the lab is for (a run id); the `circus.owner` label, and the claimant of a pooled environment. */
  owner?: string;
  ttlSeconds: number;
  idleTimeoutSeconds: number;
  /** A warm pool made with `environmentSpecFor(scenario, ...)`; a claim is tried first. Default none. */
  pool?: WarmPool;
  /** Extra labels on a created environment (not on a pooled one). Default none. */
  labels?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Progress: "queued" at once, "creating" when a new environment is asked for (skipped on a pool
   * claim), "starting" while assets and the intro setup run, "ready" just before the lab is returned.
   */
  onStage?: (stage: LabStage) => void;
  /** Default: silent. */
  logger?: Logger;
}

export async function startLab(options: StartLabOptions): Promise<Lab> {
  const { runtime, scenario, signal, onStage } = options;
  const logger = (options.logger ?? pino({ level: "silent" })).child({ scenario: scenario.id });
  signal?.throwIfAborted();
  onStage?.("queued");
  let environment: Environment | undefined = options.pool?.claim(options.owner ?? scenario.id);
  if (environment) {
    logger.info({ environment: environment.id }, "claimed a warm environment");
  } else {
    onStage?.("creating");
    const spec = environmentSpecFor(scenario, {
      ttlSeconds: options.ttlSeconds,
      idleTimeoutSeconds: options.idleTimeoutSeconds,
      ...(options.owner === undefined ? {} : { owner: options.owner }),
      ...(options.labels ? { labels: options.labels } : {}),
    });
    environment = await runtime.create(spec, signal ? { signal } : {});
  }
  const base = { runtime, environment, scenario, scenarioDir: options.scenarioDir };
  try {
    onStage?.("starting");
    signal?.throwIfAborted();
    await copyAssets(base);
    let introSetup: CommandResult | undefined;
    if (scenario.intro.setup) {
      introSetup = await runScript(base, scenario.intro.setup, { signal });
      if (introSetup.exitCode !== 0) {
        logger.warn({ environment: environment.id, exitCode: introSetup.exitCode }, "the intro setup failed");
      }
    }
    onStage?.("ready");
    return introSetup ? { ...base, introSetup } : base;
  } catch (error) {
    await runtime.destroy(environment.id).catch((cleanupError: unknown) => {
      logger.error({ environment: environment.id, err: cleanupError }, "could not destroy a lab that failed to start");
    });
    throw error;
  }
}
