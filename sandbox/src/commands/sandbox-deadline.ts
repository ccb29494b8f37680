// Deadlines on what Circus waits for inside a sandbox. A learner owns the sandbox's processes (and may
// replace /bin/sh with `sleep 90`), so no helper exec may hold up Stop, Finish, a workshop's end or another
// environment: past its deadline the helper is abandoned and the caller goes on (removing the container by force).

/** How long a helper process Circus runs in a sandbox (ending a shell, stopping a relay) may take. */
export const SANDBOX_HELPER_DEADLINE_MS = 3_000;
/** How long killing a command's marked processes may take in all, retries included. */
export const KILL_MARKED_DEADLINE_MS = 5_000;
/** How long a port relay may take to report that it connected. */
export const RELAY_HANDSHAKE_DEADLINE_MS = 10_000;

interface EndingStream {
  resume(): unknown;
  once(event: "end" | "close" | "error", listener: () => void): unknown;
  destroy(): unknown;
}

/** Reads `stream` to its end; false (and the stream destroyed) when it did not end within `ms`. */
export function drainWithin(stream: EndingStream, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stream.destroy();
      resolve(false);
    }, ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    stream.once("end", done);
    stream.once("close", done);
    stream.once("error", done);
    stream.resume();
  });
}
