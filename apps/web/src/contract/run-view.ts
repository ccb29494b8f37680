// What the runs API answers (see the web contract), declared once: the server builds these views and the
// player parses them with the same schemas, so a change on either side fails the type check, not the UI.
// The player does not load zod: it checks answers against shapes generated from these schemas
// (contract-shapes.ts, `npm run contract-shapes -w @circus/web`; a unit test fails when they differ).
import * as z from "zod/mini";

export const RunStatusSchema = z.enum(["starting", "ready", "failed", "finished", "stopped", "expired", "saved"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunStageSchema = z.enum(["queued", "creating", "starting", "ready"]);
export type RunStage = z.infer<typeof RunStageSchema>;

/** One host of a live run: running, or stopped on its own with a message for the learner. */
export const HostStateViewSchema = z.object({
  name: z.string(),
  state: z.enum(["running", "stopped"]),
  message: z.nullish(z.string()),
  /** Why a stopped host stopped; `node_lost`: the machine it ran on went away (Swarm), a Restart places it on another. */
  cause: z.nullish(z.enum(["exited", "memory", "disk_quota", "gone", "node_lost"])),
});
export type HostStateView = z.infer<typeof HostStateViewSchema>;

export const RunViewSchema = z.object({
  id: z.string(),
  scenarioId: z.string(),
  status: RunStatusSchema,
  stage: z.nullish(RunStageSchema),
  error: z.nullish(z.string()),
  /** 0-based; steps.length means the scenario is finished. */
  currentStep: z.int().check(z.minimum(0)),
  steps: z.array(z.object({ index: z.int(), title: z.string(), completed: z.boolean() })),
  expiresAt: z.string(),
  hosts: z.array(z.string()),
  /** Present while the run has a live environment: a stopped host carries the message to show. */
  hostStates: z.nullish(z.array(HostStateViewSchema)),
  /**
   * Whether the player offers "Save and leave": saving is on on this server and, for a workshop's run, the
   * instructor allows it there (the server refuses a save otherwise).
   */
  savingAllowed: z.boolean(),
  terminals: z.array(z.object({ id: z.string(), title: z.string(), host: z.string() })),
  ports: z.array(z.object({ host: z.string(), port: z.int(), title: z.string(), path: z.string(), url: z.string() })),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const RunEnvelopeSchema = z.object({ run: RunViewSchema });
export const ShowStepResultSchema = z.object({ foreground: z.nullish(z.string()) });
export const CheckResultSchema = z.object({ passed: z.boolean(), hint: z.nullish(z.string()) });
export type CheckResult = z.infer<typeof CheckResultSchema>;
export const QuizResultSchema = z.object({ passed: z.boolean(), results: z.record(z.string(), z.boolean()) });
export type QuizResult = z.infer<typeof QuizResultSchema>;
export const SolutionSchema = z.object({ solution: z.string() });
export const FileContentSchema = z.object({ content: z.string() });
/** PUT .../files answers the file's new content or nothing. */
export const FileWriteResultSchema = z.partial(FileContentSchema);
export const DeletedSchema = z.object({ deleted: z.literal(true) });
export const ApiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

// Rewind, save and resume (step checkpoints) and the learner's saved labs.
export const RewindResultSchema = z.object({
  run: RunViewSchema,
  rewound: z.object({
    step: z.int(),
    from: z.enum(["checkpoint", "start"]),
    keeps: z.string(),
    loses: z.string(),
    failedSetups: z.array(z.int()),
  }),
});
export type RewindResult = z.infer<typeof RewindResultSchema>;
export const SaveResultSchema = z.object({
  run: RunViewSchema,
  saved: z.object({ expiresAt: z.string(), sizeBytes: z.number(), usedBytes: z.number(), capBytes: z.number() }),
});
export const ResumeResultSchema = z.object({
  run: RunViewSchema,
  resumed: z.object({ step: z.int(), keeps: z.string(), notCarriedOver: z.array(z.string()) }),
});
export type ResumeResult = z.infer<typeof ResumeResultSchema>;
export const SavedLabViewSchema = z.object({
  runId: z.string(),
  scenarioId: z.string(),
  scenarioTitle: z.string(),
  step: z.int(),
  stepTitle: z.string(),
  savedAt: z.string(),
  expiresAt: z.string(),
  sizeBytes: z.number(),
  url: z.string(),
});
export type SavedLabView = z.infer<typeof SavedLabViewSchema>;
export const MyLabsSchema = z.object({
  labs: z.array(SavedLabViewSchema),
  usedBytes: z.number(),
  capBytes: z.number(),
});
export type MyLabs = z.infer<typeof MyLabsSchema>;
