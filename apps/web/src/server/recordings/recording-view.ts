// What the API tells about a recording (the list the finish page and the dashboard show).
import type { Recording } from "@circus/db";

export interface RecordingView {
  id: string;
  terminalId: string;
  startedAt: string;
  endedAt: string | null;
  /** Bytes of the `.cast` file. */
  castBytes: number;
  /** Set when the run's cap stopped the recording early. */
  truncated: boolean;
  expiresAt: string;
}

export function toRecordingView(recording: Recording): RecordingView {
  return {
    id: recording.id,
    terminalId: recording.terminalId,
    startedAt: recording.startedAt.toISOString(),
    endedAt: recording.endedAt?.toISOString() ?? null,
    castBytes: recording.castBytes,
    truncated: recording.truncated,
    expiresAt: recording.expiresAt.toISOString(),
  };
}
