// Reads the newline-delimited JSON messages the Engine API streams back from builds and imports.
import { LineSplitter } from "../engine/output-lines";

/** One message of a build or import stream (the fields Circus uses). */
export interface EngineMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/** Calls `onMessage` for each message; resolves when the stream ends, rejects when it fails or `signal` aborts. */
export function readEngineMessages(
  stream: NodeJS.ReadableStream,
  onMessage: (message: EngineMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    const lines = new LineSplitter((line) => {
      if (line.trim() === "" || failure) return;
      try {
        onMessage(JSON.parse(line) as EngineMessage);
      } catch (error) {
        failure = error; // the listener threw or the engine sent something that is not JSON: report it at the end
      }
    });
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (chunk: Buffer) => lines.push(chunk));
    stream.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : error);
    });
    stream.on("end", () => {
      signal?.removeEventListener("abort", onAbort);
      lines.flush();
      if (failure) reject(failure);
      else resolve();
    });
  });
}
