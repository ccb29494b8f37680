// What the server does on SIGTERM/SIGINT, in order: stop taking work (the API and /readyz answer 503),
// tell connected learners (their terminal sockets close with 1001 and a message the player shows), keep
// listening for the drain period so a load balancer notices, then close the port and dispose of the
// rest. Environments keep running for the next process to adopt. Exits 0, or 1 past the deadline.
import type { Server } from "node:http";
import type { Logger } from "../logger";

/** The process exits by then whatever is still open (the promise: within 10 s). */
const SHUTDOWN_DEADLINE_MS = 9_000;

export interface ShutdownSteps {
  server: Server;
  logger: Logger;
  /** How long to keep listening after the learners were told (see CIRCUS_SHUTDOWN_DRAIN_SECONDS). */
  drainMs: number;
  /** Makes the API and /readyz answer 503 from now on. */
  stopTakingWork: () => void;
  /** Closes the learners' sockets and proxies, telling them why. */
  closeLearnerConnections: () => void;
  /** Disposes of everything else once the port is closed (context, database, Next). */
  dispose: () => Promise<unknown>[];
}

/** Registers the shutdown on SIGTERM and SIGINT; the returned function runs it as if signalled. */
export function registerShutdown(steps: ShutdownSteps): (signal: NodeJS.Signals) => void {
  const { server, logger } = steps;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: steps.drainMs }, "shutting down");
    const force = setTimeout(() => {
      logger.warn("still busy at the shutdown deadline, exiting anyway");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    steps.stopTakingWork();
    steps.closeLearnerConnections();
    void new Promise((resolve) => setTimeout(resolve, steps.drainMs))
      .then(() => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        return Promise.allSettled([serverClosed, ...steps.dispose()]);
      })
      .then((outcomes) => {
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") logger.error({ err: outcome.reason }, "shutdown step failed");
        }
        logger.info("stopped");
        process.exit(0);
      });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return stop;
}
