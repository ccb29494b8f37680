// Durations and memory sizes as authors write them in front matter ("1h30m", "512m", "1g"),
// turned into the model's units (minutes, MiB). Each returns undefined for a form it does not know.

const HOURS_MINUTES = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$/i;

/** Minutes from a number of minutes, "90", "15m", "2h" or "1h30m"; undefined when unreadable or not a whole positive number. */
export function parseDurationMinutes(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseDurationMinutes(Number(text));
  const match = HOURS_MINUTES.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  const minutes = Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
  return minutes > 0 ? minutes : undefined;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmg])(?:ib?|b)?$/i;
const MIB_PER_UNIT = { k: 1 / 1024, m: 1, g: 1024 } as const;

/** MiB from a number of MiB, "512", "512m", "512Mi", "1g", "1.5GiB"; undefined when unreadable or not positive. */
export function parseMemoryMiB(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseMemoryMiB(Number(text));
  const match = SIZE.exec(text);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase() as keyof typeof MIB_PER_UNIT;
  const mib = Math.round(Number(match[1]) * MIB_PER_UNIT[unit]);
  return mib > 0 ? mib : undefined;
}
