// Values of the new-workshop form: `datetime-local` strings in the browser's time zone, and the order
// of the chosen scenarios.

/** `YYYY-MM-DDTHH:mm` of `date` in the local time zone (what a datetime-local input holds). */
export function localDateTimeInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO 8601 instant; throws on an empty or invalid value. */
export function toIsoFromLocal(value: string): string {
  const date = new Date(value);
  if (value === "" || Number.isNaN(date.getTime())) throw new Error(`“${value}” is not a date and time.`);
  return date.toISOString();
}

/** A copy of `list` with the item at `index` moved by `offset` places (kept inside the list). */
export function moveItem<T>(list: readonly T[], index: number, offset: number): T[] {
  const target = Math.min(list.length - 1, Math.max(0, index + offset));
  const copy = [...list];
  const [item] = copy.splice(index, 1);
  if (item === undefined) return copy;
  copy.splice(target, 0, item);
  return copy;
}
