// The per-run limits on what starts a process in a learner's sandbox (Check, file saves, preview relays)
// and on what recreates its containers (host restarts, rewinds, resumes):
// counted across web replicas (http/shared-rate-limit.ts) before the action starts, so neither parallel
// requests nor requests spread over replicas pass it, and answered with 429.
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";

/** Counts one sandbox action of `learnerId` on `runId`, or throws 429 (rate_limited) with Retry-After. */
export async function takeSandboxAction(
  context: Pick<ServerContext, "sandboxActions">,
  learnerId: string,
  runId: string,
): Promise<void> {
  const verdict = await context.sandboxActions.take(`${learnerId}:${runId}`);
  if (verdict.allowed) return;
  const seconds = Math.ceil(verdict.retryAfterMs / 1000);
  throw new AppError(
    "rate_limited",
    `Slow down: this lab ran too many checks, saves or preview connections in the last minute. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    { retryAfterSeconds: seconds },
  );
}

/** Counts one host restart, rewind or resume of `runId`, or throws 429 (rate_limited) with Retry-After. */
export async function takeHostRebuild(
  context: Pick<ServerContext, "hostRebuilds">,
  learnerId: string,
  runId: string,
): Promise<void> {
  const verdict = await context.hostRebuilds.take(`${learnerId}:${runId}`);
  if (verdict.allowed) return;
  const minutes = Math.ceil(verdict.retryAfterMs / 60_000);
  throw new AppError(
    "rate_limited",
    `This lab restarted, rewound or resumed its hosts too often in the last hour. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    { retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) },
  );
}
