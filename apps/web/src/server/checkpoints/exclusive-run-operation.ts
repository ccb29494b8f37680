// Rewind, save, resume and delete of one run exclude each other: a second click (another tab) gets a
// clear 409 instead of racing the first over the same hosts and images.
import { AppError } from "../http/errors";

const busy = new Set<string>();

/** Runs `operation` unless another one holds `runId`, in which case it throws 409 lab_busy. */
export async function exclusivelyOnRun<T>(runId: string, operation: () => Promise<T>): Promise<T> {
  if (busy.has(runId)) {
    throw new AppError("lab_busy", "This lab is busy rewinding, saving or resuming. Wait a moment and try again.");
  }
  busy.add(runId);
  try {
    return await operation();
  } finally {
    busy.delete(runId);
  }
}
