// The shapes the workshop pages read from /api/instructors, /api/workshops, /api/join and the two event
// streams, parsed with zod at the boundary (the server's views live in src/server/workshops/workshop-views.ts).
import { z } from "zod";
import { WorkshopPhaseSchema, WorkshopScenarioSchema } from "./learner-workshop-events";

export {
  LearnerHelloSchema,
  type LearnerWorkshop,
  LearnerWorkshopSchema,
  MessageEventSchema,
  WatchingEventSchema,
  type WorkshopPhase,
  WorkshopPhaseSchema,
  type WorkshopScenario,
  WorkshopScenarioSchema,
} from "./learner-workshop-events";

export const InstructorSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
});
export type InstructorView = z.infer<typeof InstructorSchema>;

export const ReserveStatsSchema = z.object({ target: z.number(), ready: z.number(), creating: z.number() });
export type ReserveStats = z.infer<typeof ReserveStatsSchema>;

export const InstructorWorkshopSchema = z.object({
  id: z.string(),
  title: z.string(),
  scenarios: z.array(WorkshopScenarioSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  endedAt: z.string().nullable(),
  reserveFrom: z.string(),
  capacity: z.number().int(),
  ttlSeconds: z.number().int(),
  phase: WorkshopPhaseSchema,
  joinCode: z.string(),
  joinCodeDisplay: z.string(),
  joinPath: z.string(),
  joinUrl: z.string(),
  qrPath: z.string(),
  participants: z.number().int(),
  reserve: ReserveStatsSchema,
});
export type InstructorWorkshop = z.infer<typeof InstructorWorkshopSchema>;

const RunStatus = z.enum(["starting", "ready", "failed", "finished", "stopped", "expired", "saved"]);

export const DashboardRowSchema = z.object({
  participantId: z.string(),
  displayName: z.string(),
  scenarioId: z.string().nullable(),
  runId: z.string().nullable(),
  status: RunStatus.nullable(),
  currentStep: z.number().int().nullable(),
  stepTitle: z.string().nullable(),
  stepStartedAt: z.string().nullable(),
  timeOnStepSeconds: z.number().nullable(),
  checks: z.object({ passed: z.number().int(), failed: z.number().int() }),
  stuck: z.boolean(),
  stuckReason: z.enum(["failed_checks", "long_on_step"]).nullable(),
  watched: z.boolean(),
  scenarios: z.array(
    z.object({
      scenarioId: z.string(),
      currentStep: z.number().int().nullable(),
      completedSteps: z.array(z.number().int()),
    }),
  ),
});
export type DashboardRow = z.infer<typeof DashboardRowSchema>;

export const FunnelScenarioSchema = z.object({
  scenarioId: z.string(),
  title: z.string(),
  steps: z.array(z.object({ index: z.number().int(), title: z.string(), reached: z.number(), completed: z.number() })),
});
export type FunnelScenario = z.infer<typeof FunnelScenarioSchema>;

export const DashboardSnapshotSchema = z.object({
  rows: z.array(DashboardRowSchema),
  funnel: z.array(FunnelScenarioSchema),
});

export const EndedEventSchema = z.object({ at: z.string() });

export const InvitationSchema = z.object({ token: z.string(), expiresAt: z.string() });
/** `protocols` carry the ticket (Sec-WebSocket-Protocol): pass them to `new WebSocket(url, protocols)`. */
export const TerminalTicketSchema = z.object({
  runId: z.string(),
  socketPath: z.string(),
  protocols: z.array(z.string()),
  expiresAt: z.string(),
});
