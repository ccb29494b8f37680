// The IPC messages between a benchmark and the Circus server child process it runs (circus-server.ts).
import { z } from "zod";

export const circusServerRequestSchema = z.discriminatedUnion("type", [
  /** Answered with `poolFull` once the scenario's warm pool holds its full size. */
  z.object({ type: z.literal("whenPoolFull"), scenarioId: z.string() }),
  /** Shuts the server down; the process exits when done. */
  z.object({ type: z.literal("stop") }),
]);
export type CircusServerRequest = z.infer<typeof circusServerRequestSchema>;

export const circusServerMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), port: z.number().int() }),
  z.object({ type: z.literal("poolFull"), scenarioId: z.string() }),
  z.object({ type: z.literal("failed"), message: z.string() }),
]);
export type CircusServerMessage = z.infer<typeof circusServerMessageSchema>;
