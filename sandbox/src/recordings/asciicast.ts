// The asciicast v2 format (asciinema's `.cast`): a JSON header line, then one JSON array per event,
// `[seconds, code, data]` with code "o" (output), "i" (input), "r" (resize, "COLSxROWS") or "m" (marker).
import { z } from "zod";

export type AsciicastEventCode = "o" | "i" | "r" | "m";

export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds when the recording started. */
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
}

export type AsciicastEvent = [time: number, code: AsciicastEventCode, data: string];

/** The header line, newline included. */
export function asciicastHeaderLine(header: AsciicastHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** One event line, newline included; the time keeps microseconds like asciinema. */
export function asciicastEventLine(time: number, code: AsciicastEventCode, data: string): string {
  return `${JSON.stringify([Math.round(time * 1e6) / 1e6, code, data])}\n`;
}

const HeaderSchema = z.object({
  version: z.literal(2),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  timestamp: z.number().optional(),
  title: z.string().optional(),
});
const EventSchema = z.tuple([z.number().min(0), z.enum(["o", "i", "r", "m"]), z.string()]);

export class InvalidAsciicastError extends Error {
  override name = "InvalidAsciicastError";
  readonly code = "invalid_asciicast";
  constructor(line: number, detail: string) {
    super(`line ${line} of the recording is not asciicast v2 (${detail}): download it again or record anew`);
  }
}

/** Parses a whole `.cast` text (a trailing partial line, as in a recording still being written, is ignored). */
export function parseAsciicast(text: string): { header: z.infer<typeof HeaderSchema>; events: AsciicastEvent[] } {
  const lines = text.split("\n");
  if (!text.endsWith("\n")) lines.pop();
  const [first, ...rest] = lines;
  const header = HeaderSchema.safeParse(safeJson(first ?? ""));
  if (!header.success) throw new InvalidAsciicastError(1, "a header with version 2, width and height");
  const events: AsciicastEvent[] = [];
  for (const [index, line] of rest.entries()) {
    if (line === "") continue;
    const event = EventSchema.safeParse(safeJson(line));
    if (!event.success) throw new InvalidAsciicastError(index + 2, "an event [time, code, data]");
    events.push(event.data);
  }
  return { header: header.data, events };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
