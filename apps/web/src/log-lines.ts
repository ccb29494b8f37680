// Readable log lines for a person at a terminal (`npm start` on a TTY): pino's JSON line turned into
// `12:00:01 INFO  [module] message key=value ...`. Files and CI keep the JSON (see config `logFormat`).

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const LEVEL_COLORS: Record<number, string> = { 10: "90", 20: "36", 30: "32", 40: "33", 50: "31", 60: "35" };
/** Fields every line carries (or that the line shows elsewhere): not repeated as key=value. */
const HIDDEN_FIELDS = new Set(["level", "time", "msg", "pid", "hostname", "app", "env", "module", "err"]);

/** One JSON log line as a readable line (with a trailing newline); a line that is not JSON passes unchanged. */
export function formatLogLine(line: string, options: { color?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const level = typeof entry.level === "number" ? entry.level : 30;
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const paint = (code: string | undefined, text: string) =>
    options.color && code ? `\u001b[${code}m${text}\u001b[0m` : text;
  const time = typeof entry.time === "number" ? new Date(entry.time).toISOString().slice(11, 19) : "--:--:--";
  const module = typeof entry.module === "string" ? ` [${entry.module}]` : "";
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const message = typeof entry.msg === "string" ? entry.msg : "";
  const error = errorLines(entry.err);
  const text = [message, ...fields].filter((part) => part !== "").join(" ");
  return `${paint("90", time)} ${paint(LEVEL_COLORS[level], name)}${module} ${text}\n${error}`;
}

/** An error's stack (or message), indented under its line. */
function errorLines(err: unknown): string {
  if (!err || typeof err !== "object") return "";
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text = typeof stack === "string" ? stack : typeof message === "string" ? message : JSON.stringify(err);
  return `${text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}\n`;
}
