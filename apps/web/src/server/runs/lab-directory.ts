// Finds the live Lab of a learner's run: checks ownership, then re-attaches to the environment
// (once per run, so a step's background setup still runs only once) after a reload or a restart. With
// several web replicas, a run whose environment another replica created is adopted from the engine here.
import type { Database, Run } from "@circus/db";
import { attachLab, type Lab } from "@circus/lab";
import type { SandboxRuntime } from "@circus/sandbox";
import type { Logger } from "../../logger";
import type { ScenarioLookup } from "./scenario-lookup";

export type RunRecord = Run;

export interface LabDirectory {
  /** undefined when the run does not exist, is not this learner's, or has no live environment. */
  ownedLab(learnerId: string, runId: string): Promise<{ run: RunRecord; lab: Lab } | undefined>;
  /** The run when it exists and is this learner's (whatever its status), else undefined. */
  ownedRun(learnerId: string, runId: string): Promise<RunRecord | undefined>;
  /** The live lab of a ready run, attaching to its environment when needed; undefined when it is gone. */
  labOf(run: RunRecord): Promise<Lab | undefined>;
  /** Records the lab a start produced. */
  remember(runId: string, lab: Lab): void;
  /** Drops a run's lab (stopped, expired, finished). */
  forget(runId: string): void;
}

export function createLabDirectory(options: {
  db: Database;
  runtime: SandboxRuntime;
  scenarios: ScenarioLookup;
  logger: Logger;
  /** Adopt an environment the runtime does not hold (another replica created it). Default false. */
  adoptOnMiss?: boolean;
}): LabDirectory {
  const { db, runtime, scenarios, logger } = options;
  const live = async (environmentId: string) =>
    runtime.get(environmentId) !== undefined ||
    (options.adoptOnMiss === true && (await runtime.adopt(environmentId)) !== undefined);
  const labs = new Map<string, Lab>();

  const directory: LabDirectory = {
    async ownedRun(learnerId, runId) {
      const run = await db.getRun(runId);
      return run && run.learnerId === learnerId ? run : undefined;
    },

    async ownedLab(learnerId, runId) {
      const run = await directory.ownedRun(learnerId, runId);
      if (run?.status !== "ready") return undefined;
      const lab = await directory.labOf(run);
      return lab ? { run, lab } : undefined;
    },

    async labOf(run) {
      if (run.status !== "ready" || !run.environmentId || !(await live(run.environmentId))) {
        labs.delete(run.id);
        return undefined;
      }
      const found = scenarios(run.scenarioId);
      const cached = labs.get(run.id);
      // A scenario reloaded from disk (dev-scenario mode) is a new object: re-attach below with the new
      // definition; the environment stays.
      if (cached && cached.environment.id === run.environmentId && (!found || cached.scenario === found.scenario)) {
        return cached;
      }
      if (!found) {
        logger.warn({ run: run.id, scenario: run.scenarioId }, "the run's scenario is no longer in the catalog");
        return undefined;
      }
      // Steps shown before (in an earlier process) already ran their background setup.
      const shown = (await db.listStepProgress(run.id)).map((step) => step.stepIndex);
      const attached = labs.get(run.id);
      if (attached && attached.environment.id === run.environmentId && attached.scenario === found.scenario) {
        return attached;
      }
      const lab = attachLab(runtime, found.scenario, found.directory, run.environmentId, { setupDone: shown });
      labs.set(run.id, lab);
      return lab;
    },

    remember(runId, lab) {
      labs.set(runId, lab);
    },

    forget(runId) {
      labs.delete(runId);
    },
  };
  return directory;
}
