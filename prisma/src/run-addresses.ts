// The client address group each run was started from, for the per-address cap on live runs: kept in the
// database, so a restart (or another replica) counts the runs an address already holds.
import { z } from "zod";
import type { DbClient } from "./client";
import { inputFrom } from "./records";

const RunAddressInputSchema = z.object({
  runId: z.string().min(1).max(64),
  /** The client's address group (an IPv4 address or an IPv6 /64), as the web app derives it. */
  address: z.string().min(1).max(100),
});

/** Records the address `runId` was started from (the first one recorded stays). */
export async function recordRunAddress(client: DbClient, runId: string, address: string): Promise<void> {
  const input = inputFrom(RunAddressInputSchema, "run address", { runId, address });
  await client.runClientAddress.upsert({ where: { runId: input.runId }, create: input, update: {} });
}

/**
 * How many live runs (starting or ready) were started from `address`; forgets the address of its runs that
 * ended, so the table holds live runs only.
 */
export async function countLiveRunsFromAddress(client: DbClient, address: string): Promise<number> {
  const rows = z
    .array(z.object({ runId: z.string() }))
    .parse(await client.runClientAddress.findMany({ where: { address }, select: { runId: true } }));
  if (rows.length === 0) return 0;
  const live = z.array(z.object({ id: z.string() })).parse(
    await client.run.findMany({
      where: { id: { in: rows.map((row) => row.runId) }, activeSlot: 1 },
      select: { id: true },
    }),
  );
  if (live.length < rows.length) {
    await client.runClientAddress.deleteMany({ where: { address, runId: { notIn: live.map((run) => run.id) } } });
  }
  return live.length;
}
