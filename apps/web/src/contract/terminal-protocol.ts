// The terminal WebSocket's wire protocol (see the web contract), declared once for the server and the
// player: the upgrade query, the client's JSON control frames, the server's control messages (zod) and
// the close codes. Browser-safe: no Node API. zod/mini (zod 4's tree-shakable form) keeps the player light.
import * as z from "zod/mini";

/** Largest frame the server accepts at all (ws closes larger ones with 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest JSON control frame; anything longer is malformed. */
export const MAX_CONTROL_FRAME_BYTES = 1024;

/** Close codes the server uses (4xxx are Circus's own). */
export const CLOSE_CODES = {
  /** The terminal's shell ended (an `exit` message came first). */
  terminalEnded: 1000,
  /** The server is shutting down: reconnect later with `since`. */
  serverStopping: 1001,
  /** Something failed on the server; an `error` message came first when possible. */
  internalError: 1011,
  /** The client sent something malformed (the reason says what). */
  malformed: 4400,
  /** The client stopped acknowledging output while another client kept up: reconnect with `since`. */
  stalled: 4408,
  /** The client does not read the socket: the server's replies to it (pongs) passed their bound. */
  notReading: 4409,
  /** An observer asked for a terminal the learner has not opened (observers never start shells). */
  terminalNotOpen: 4404,
  /** The run was stopped or expired: its environment is gone, do not reconnect. */
  runEnded: 4410,
  /** Too many terminal sockets are open (for this run, or on the server): close some, retry later. */
  tooManySockets: 4429,
  /** An observer's right ended (the workshop ended or the instructor signed out): do not reconnect. */
  observerRevoked: 4403,
} as const;

/** The close reason of `serverStopping` (shown by the player; at most 123 bytes). */
export const SERVER_STOPPING_REASON = "Circus is restarting; your sandbox keeps running and this terminal reconnects";

/** The on-demand terminals a learner may open beside the declared ones (KataCoda's T2...). */
export const ON_DEMAND_TERMINAL_IDS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

const flag = z.pipe(
  z.enum(["0", "1", "true", "false"]),
  z.transform((value) => value === "1" || value === "true"),
);

/** `/ws/terminal?run=&host=&terminal=&since=&observe=`, each given at most once. */
export const terminalQuerySchema = z.object({
  run: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, "a run id")),
  /** Optional: when given it must be the terminal's host. */
  host: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, "a host name"))),
  terminal: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, "a terminal id")),
  /** The end offset the client saw last (`hello.offset` plus the output bytes received since). */
  since: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER))),
  observe: z._default(flag, false),
  /** Refused: observer tickets travel in the Sec-WebSocket-Protocol header, never in the URL. */
  ticket: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
});
export type TerminalQuery = z.infer<typeof terminalQuerySchema>;

export type QueryParse = { ok: true; query: TerminalQuery } | { ok: false; message: string };

/** Parses the upgrade URL's query; repeated parameters are malformed. */
export function parseTerminalQuery(url: string | undefined): QueryParse {
  const params = new URL(url ?? "/", "http://circus.invalid").searchParams;
  const raw: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in raw) return { ok: false, message: `the parameter ${name} is given twice` };
    raw[name] = value;
  }
  const parsed = terminalQuerySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  return { ok: true, query: parsed.data };
}

export const clientControlSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("resize"),
    cols: z.int().check(z.minimum(1), z.maximum(1000)),
    rows: z.int().check(z.minimum(1), z.maximum(1000)),
  }),
  /** The client wrote `bytes` more output bytes into its terminal. */
  z.strictObject({
    type: z.literal("ack"),
    bytes: z.int().check(z.minimum(0), z.maximum(MAX_FRAME_BYTES * 1024)),
  }),
  z.strictObject({ type: z.literal("ping") }),
]);
export type ClientControl = z.infer<typeof clientControlSchema>;

export type ControlParse = { ok: true; message: ClientControl } | { ok: false; reason: string };

/** Parses one text frame; `reason` fits a WebSocket close reason (at most 123 bytes). */
export function parseClientControl(text: string): ControlParse {
  if (new TextEncoder().encode(text).byteLength > MAX_CONTROL_FRAME_BYTES) {
    return { ok: false, reason: `control frame over ${MAX_CONTROL_FRAME_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "control frame is not JSON" };
  }
  const parsed = clientControlSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  return { ok: false, reason: `invalid control frame${where}: ${issue?.message ?? "unknown"}`.slice(0, 120) };
}

/** Text frames the server sends. */
export const serverControlSchema = z.discriminatedUnion("type", [
  /** First message; binary output follows from `offset` (the client clears its screen first). */
  z.object({
    type: z.literal("hello"),
    terminal: z.string(),
    offset: z.int().check(z.minimum(0)),
    readOnly: z.boolean(),
  }),
  /** The next output byte is at `value` (after output was skipped, e.g. for a lagging observer). */
  z.object({ type: z.literal("offset"), value: z.int().check(z.minimum(0)) }),
  z.object({ type: z.literal("exit"), code: z.nullable(z.int()), reason: z.string(), message: z.string() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerControl = z.infer<typeof serverControlSchema>;
