// Answers a recording as its `.cast` file: the stored gzip members, read a page at a time, go through
// one gunzip stream to the response, with backpressure (memory stays at a page whatever the size).

import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { createGunzip } from "node:zlib";
import type { Database, Recording, Run } from "@circus/db";

const PAGE_CHUNKS = 16;

export async function sendCast(
  db: Pick<Database, "readRecordingChunks">,
  res: ServerResponse,
  run: Pick<Run, "scenarioId">,
  recording: Recording,
  options: { download: boolean },
): Promise<void> {
  const name = `${run.scenarioId.replace(/[^A-Za-z0-9_-]+/g, "-")}-terminal-${recording.terminalId.replace(/[^A-Za-z0-9_-]+/g, "-")}-${recording.startedAt.toISOString().slice(0, 19).replace(/:/g, "")}.cast`;
  res.writeHead(200, {
    "Content-Type": "application/x-asciicast; charset=utf-8",
    "Cache-Control": "private, no-store",
    "Content-Disposition": `${options.download ? "attachment" : "inline"}; filename="${name}"`,
    "X-Content-Type-Options": "nosniff",
  });
  const gunzip = createGunzip();
  gunzip.pipe(res);
  let afterSeq = -1;
  for (;;) {
    const page = await db.readRecordingChunks(recording.id, { afterSeq, take: PAGE_CHUNKS });
    for (const chunk of page) {
      if (!gunzip.write(chunk.data)) await once(gunzip, "drain");
      afterSeq = chunk.seq;
    }
    if (page.length < PAGE_CHUNKS || res.destroyed) break;
  }
  gunzip.end();
  await once(res, "finish").catch(() => undefined);
}
