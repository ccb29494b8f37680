// A real shell in a real container, recorded: what the learner typed, what the shell printed and the
// resizes come back from the stored batches as one asciicast v2 file.
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import Dockerode from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTerminal } from "../terminals/open-terminal";
import { parseAsciicast } from "./asciicast";
import { type RecordingBatch, TerminalRecording } from "./terminal-recording";

const docker = new Dockerode();
const testId = `recordings-${randomUUID()}`;
let container: Dockerode.Container;

beforeAll(async () => {
  container = await docker.createContainer({
    Image: "circus/base:latest",
    Cmd: ["sleep", "infinity"],
    Labels: { "circus.test": testId },
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], Init: true },
  });
  await container.start();
});

afterAll(async () => {
  await container?.remove({ force: true });
});

it("records a real shell: typed input, its output, resizes, and ends with the session", async () => {
  const batches: RecordingBatch[] = [];
  let closed: { truncated: boolean } | undefined;
  const recorder = new TerminalRecording({
    cols: 80,
    rows: 24,
    flushIntervalMs: 50,
    sink: {
      write: async (batch) => {
        batches.push(batch);
        return "continue";
      },
      close: async (summary) => {
        closed = summary;
      },
    },
  });
  const session = await openTerminal(docker, container.id, { cols: 80, rows: 24, recorder });
  let output = "";
  const client = session.attach({ onData: (chunk) => (output += Buffer.from(chunk).toString()), onExit: () => {} });
  client.write("echo rec-$((6*7))\r");
  await expect.poll(() => output.includes("rec-42"), { timeout: 20_000 }).toBe(true);
  await client.resize(120, 40);
  await session.dispose();
  await expect.poll(() => closed, { timeout: 10_000 }).toEqual({ truncated: false });

  const cast = gunzipSync(Buffer.concat(batches.map((batch) => batch.gzip))).toString("utf8");
  const { header, events } = parseAsciicast(cast);
  expect(header).toMatchObject({ version: 2, width: 80, height: 24 });
  const input = events.filter(([, code]) => code === "i").map(([, , data]) => data);
  expect(input.join("")).toBe("echo rec-$((6*7))\r");
  const printed = events.filter(([, code]) => code === "o").map(([, , data]) => data);
  expect(printed.join("")).toContain("rec-42");
  expect(events.filter(([, code]) => code === "r").map(([, , data]) => data)).toEqual(["120x40"]);
  expect(batches.length).toBeGreaterThan(0);
});
