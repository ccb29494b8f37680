// What a workshop participant's pages read from the learner event stream (/api/me/workshop/events): the
// workshop, instructor messages and whether they are being watched. On zod/mini (zod 4's tree-shakable
// form) because the player's banner parses them: the player's bundle stays free of classic zod.
import * as z from "zod/mini";

export const LEARNER_EVENTS_PATH = "/api/me/workshop/events";

export const WorkshopPhaseSchema = z.enum(["scheduled", "reserving", "running", "ended"]);
export type WorkshopPhase = z.infer<typeof WorkshopPhaseSchema>;

export const WorkshopScenarioSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  steps: z.array(z.object({ index: z.int(), title: z.string() })),
});
export type WorkshopScenario = z.infer<typeof WorkshopScenarioSchema>;

export const LearnerWorkshopSchema = z.object({
  id: z.string(),
  title: z.string(),
  scenarios: z.array(WorkshopScenarioSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  endedAt: z.nullable(z.string()),
  phase: WorkshopPhaseSchema,
  participant: z.object({ id: z.string(), displayName: z.string() }),
});
export type LearnerWorkshop = z.infer<typeof LearnerWorkshopSchema>;

export const MessageEventSchema = z.object({ text: z.string(), at: z.string() });
export const WatchingEventSchema = z.object({ on: z.boolean() });
export const LearnerHelloSchema = z.object({ workshop: LearnerWorkshopSchema, watched: z.boolean() });
