// Who may see a run's recordings: the learner who owns the run, and the instructor (or an admin) of the
// workshop the run was played in, also after it ended. Anyone else gets 404, never 403.
import type { Instructor, Recording, Run } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { runNotFound } from "../runs/run-access";
import { requireOwnedWorkshop } from "../workshops/workshop-access";

export function recordingNotFound(): AppError {
  return new AppError("recording_not_found", "There is no such recording; it may have passed its retention period.");
}

/** The learner's own run (any status), or 404. */
export async function requireLearnerRecordingsRun(context: ServerContext, learnerId: string, runId: string) {
  const run = await context.labs.ownedRun(learnerId, runId);
  if (!run) throw runNotFound();
  return run;
}

/** A run of one of the instructor's workshops (any status, also after the workshop ended), or 404. */
export async function requireWorkshopRecordingsRun(
  context: ServerContext,
  instructor: Instructor,
  workshopId: string,
  runId: string,
): Promise<Run> {
  const workshop = await requireOwnedWorkshop(context, instructor, workshopId);
  const run = await context.db.getRun(runId);
  if (!run || run.workshopId !== workshop.id) throw runNotFound();
  return run;
}

/** The recording, when it belongs to the run. */
export async function requireRunRecording(
  context: ServerContext,
  run: Pick<Run, "id">,
  recordingId: string,
): Promise<Recording> {
  const recording = await context.db.getRecording(recordingId);
  if (!recording || recording.runId !== run.id) throw recordingNotFound();
  return recording;
}
