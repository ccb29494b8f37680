// What went wrong when the load test stopped its learners' runs at its end: counted by kind, with the first
// message, so that a failed clean-up (runs that may still be running) is reported instead of swallowed.

export interface StopErrors {
  /** Stops that failed (or were never answered: a worker thread that died counts each of its learners). */
  count: number;
  /** Failed stops by kind (`connection_failed`, an API error code, `worker_lost` ...). */
  byKind: Record<string, number>;
  /** The first failure's message, as the learner saw it. */
  first?: string;
}

export function noStopErrors(): StopErrors {
  return { count: 0, byKind: {} };
}

/** Adds `count` failures of `kind` (the message is kept when it is the first). */
export function addStopError(errors: StopErrors, kind: string, message: string | undefined, count = 1): void {
  if (count <= 0) return;
  errors.count += count;
  errors.byKind[kind] = (errors.byKind[kind] ?? 0) + count;
  if (errors.first === undefined && message !== undefined) errors.first = message;
}

/** Adds what another thread counted. */
export function mergeStopErrors(into: StopErrors, from: StopErrors): void {
  for (const [kind, count] of Object.entries(from.byKind)) addStopError(into, kind, undefined, count);
  if (into.first === undefined && from.first !== undefined) into.first = from.first;
}

/** An error's message with its cause (fetch's "fetch failed" says nothing without it). */
export function stopErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message} (${cause})` : error.message;
}
