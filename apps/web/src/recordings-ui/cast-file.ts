// Reads an asciicast v2 `.cast` in the browser for the replay player: the size, the events with long
// pauses shortened (like asciinema's idle time limit), and the markers as chapters to jump to.
import { z } from "zod";

export interface CastEvent {
  /** Seconds from the start, after idle pauses were shortened. */
  time: number;
  code: "o" | "i" | "r" | "m";
  data: string;
}

export interface CastFile {
  cols: number;
  rows: number;
  events: CastEvent[];
  duration: number;
  markers: { time: number; label: string }[];
}

/** Pauses longer than this play as this long. */
export const IDLE_LIMIT_SECONDS = 2;

const Header = z.object({ version: z.literal(2), width: z.number().int().min(1), height: z.number().int().min(1) });
const Event = z.tuple([z.number().min(0), z.enum(["o", "i", "r", "m"]), z.string()]);

export function parseCastFile(text: string): CastFile {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const header = Header.safeParse(jsonOf(lines[0] ?? ""));
  if (!header.success) throw new Error("This recording is not an asciicast v2 file.");
  const events: CastEvent[] = [];
  let previous = 0;
  let shift = 0;
  for (const line of lines.slice(1)) {
    const event = Event.safeParse(jsonOf(line));
    if (!event.success) continue;
    const [time, code, data] = event.data;
    shift += Math.max(0, time - previous - IDLE_LIMIT_SECONDS);
    previous = Math.max(previous, time);
    events.push({ time: Math.max(0, time - shift), code, data });
  }
  const markers = events
    .filter((event) => event.code === "m")
    .map((event) => ({ time: event.time, label: event.data }));
  return {
    cols: header.data.width,
    rows: header.data.height,
    events,
    duration: events.at(-1)?.time ?? 0,
    markers,
  };
}

function jsonOf(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
