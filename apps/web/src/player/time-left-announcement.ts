// Which moments of the countdown are announced to screen readers: crossing 10, 5 and 1 minutes left,
// and the end, once each (a live countdown read every second would drown everything else).

const THRESHOLDS_MINUTES = [10, 5, 1] as const;

/** The announcement for moving from `beforeMs` to `afterMs` left, or undefined when none is due. */
export function timeLeftAnnouncement(beforeMs: number, afterMs: number): string | undefined {
  if (beforeMs > 0 && afterMs <= 0) return "Time is up: this session has ended.";
  for (const minutes of THRESHOLDS_MINUTES) {
    const at = minutes * 60_000;
    if (beforeMs > at && afterMs <= at) {
      return `${minutes === 1 ? "1 minute" : `${minutes} minutes`} left in this session. Use Extend for more time.`;
    }
  }
  return undefined;
}
