// Chooses the replica coordination at composition: PostgreSQL when CIRCUS_WEB_REPLICAS=several (config.ts
// refuses it with SQLite), in process otherwise (one replica, the default).
import type { WebConfig } from "../../config";
import type { Logger } from "../../logger";
import { inProcessCoordination } from "./in-process-coordination";
import { type PostgresCoordinationOptions, startPostgresCoordination } from "./postgres-coordination";
import type { ReplicaCoordination } from "./replica-coordination";

export function createReplicaCoordination(
  config: Pick<WebConfig, "webReplicas" | "databaseUrl">,
  logger: Logger,
  options: PostgresCoordinationOptions = {},
): Promise<ReplicaCoordination> {
  return config.webReplicas === "several"
    ? startPostgresCoordination(config.databaseUrl, logger, options)
    : Promise.resolve(inProcessCoordination());
}
