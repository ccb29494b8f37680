// PLACEHOLDER until the Swarm checkpoint store (swarm-checkpoints.ts) is wired in: the one place where the
// Swarm runtime's checkpoints are refused. Taking one throws CheckpointsNotOnSwarmError; every read
// answers truthfully that there are none (so a rewind starts the step from scratch and reaps find nothing).
import type { Logger } from "pino";
import type { CheckpointStore } from "../checkpoints/checkpoint-store";
import { CheckpointsNotOnSwarmError } from "./swarm-errors";

export function checkpointsNotOnSwarm(logger: Logger): CheckpointStore {
  let warned = false;
  return {
    take: () => Promise.reject(new CheckpointsNotOnSwarmError()),
    schedule: () => {
      if (warned) return;
      warned = true;
      logger.warn({ code: "checkpoints_not_on_swarm" }, "step checkpoints are not taken on the Swarm backend yet");
    },
    settled: async () => {},
    list: async () => [],
    latestBefore: async () => undefined,
    remove: async () => 0,
    hasImage: async () => false,
    reap: async () => 0,
  };
}
